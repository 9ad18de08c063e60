"""A person's account is theirs: no association adds, renames or re-passwords it, and
every change to it is told to each association the person belongs to."""

from __future__ import annotations

from registry.audit.ledger import OPERATOR
from tenants.roles import Role
from tenants.service import grant_role
from tenants.sessions import hash_password
from tenants.tables import Membership, Person
from tests.audit.ledger_helpers import count_of, events_of


async def _names_on_list(api, world) -> dict[str, list[str]]:
    page = await api.get(
        f"/api/v1/t/{world.slug}/members?limit=200", headers=world[Role.ADMIN].headers
    )
    assert page.status_code == 200, page.text
    names: dict[str, list[str]] = {}
    for member in page.json()["items"]:
        names.setdefault(member["email"], []).append(member["name"])
    return names


def _shape(invitation: dict) -> dict:
    """An invitation's answer without what differs between any two (id, address, times)."""
    return {
        key: value
        for key, value in invitation.items()
        if key not in {"id", "email", "created_at", "expires_at"}
    }


async def test_an_association_cannot_add_another_associations_person(api, factory):
    alia, aasw = await factory.tenant("alia"), await factory.tenant("aasw")
    person = alia[Role.MEMBER]
    alia_names = await _names_on_list(api, alia)
    alia_events = await count_of(alia.tenant.id)
    url = f"/api/v1/t/{aasw.slug}/members"

    renamed = await api.post(
        url,
        json={"email": person.email, "role": "member", "name": "Overwritten Name"},
        headers=aasw[Role.ADMIN].headers,
    )
    # Another association, without a name: the same answer (one invitation is open per
    # address and role in an association, so the second add goes elsewhere).
    third = await factory.tenant("iln")
    unnamed = await api.post(
        f"/api/v1/t/{third.slug}/members",
        json={"email": person.email, "role": "member"},
        headers=third[Role.ADMIN].headers,
    )
    again = await api.post(
        url, json={"email": person.email, "role": "member"}, headers=aasw[Role.ADMIN].headers
    )
    assert again.status_code == 409 and "already open" in again.json()["detail"]
    assert "Member person" not in again.text

    # Not added: invited, in the same words whatever the name given.
    assert renamed.status_code == unnamed.status_code == 202, renamed.text
    assert _shape(renamed.json()) == _shape(unnamed.json())
    assert renamed.json()["email"] == person.email
    assert renamed.json()["accepted_at"] is None
    # Nothing about the person beyond the address the caller gave.
    for secret in ("Member person", alia.slug, str(person.person_id)):
        assert secret not in renamed.text
    assert await _names_on_list(api, alia) == alia_names
    stored = await Person.objects().where(Person.id == person.person_id).first()
    assert stored is not None and stored.name == "Member person"
    assert not await Membership.exists().where(
        (Membership.tenant == aasw.tenant.id) & (Membership.person == person.person_id)
    )
    assert await count_of(alia.tenant.id) == alia_events


async def test_the_invitation_is_the_same_whoever_holds_the_account(api, factory, database):
    # An account with no association left, and one held elsewhere, answer alike.
    world, other = await factory.tenant("acc"), await factory.tenant("acc")
    await Person(email=f"orphan.{world.slug}@example.org", name="Secret Orphan").save()
    url = f"/api/v1/t/{world.slug}/members"
    headers = world[Role.ADMIN].headers
    orphan = await api.post(
        url, json={"email": f"orphan.{world.slug}@example.org", "role": "member"}, headers=headers
    )
    held = await api.post(
        url, json={"email": other[Role.BOARD].email, "role": "member"}, headers=headers
    )
    assert orphan.status_code == held.status_code == 202
    assert _shape(orphan.json()) == _shape(held.json())
    assert "Secret Orphan" not in orphan.text


async def test_an_association_keeps_its_own_name_for_a_member(api, factory):
    alia, aasw = await factory.tenant("alia"), await factory.tenant("aasw")
    person = alia[Role.MEMBER]
    # The person has joined AASW too (as an accepted invitation, or the operator, would).
    await grant_role(aasw.tenant, person.email, Role.MEMBER, actor=OPERATOR)

    added = await api.post(
        f"/api/v1/t/{aasw.slug}/members",
        json={"email": person.email, "role": "board", "name": "M. Person (AASW)"},
        headers=aasw[Role.ADMIN].headers,
    )

    assert added.status_code == 201, added.text
    assert added.json()["name"] == "M. Person (AASW)"
    assert "M. Person (AASW)" in (await _names_on_list(api, aasw))[person.email]
    assert (await _names_on_list(api, alia))[person.email] == ["Member person"]
    me = await api.get("/api/v1/me", headers=person.headers)
    assert me.json()["name"] == "Member person"


async def test_a_new_person_is_named_by_the_association_that_adds_them(api, factory):
    world = await factory.tenant("acc")
    email = f"new.{world.slug}@example.org"
    added = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": email, "role": "member", "name": "Dr New"},
        headers=world[Role.ADMIN].headers,
    )
    assert added.status_code == 201, added.text
    assert added.json()["name"] == "Dr New"
    # A second role without a name keeps the association's name for them.
    again = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": email, "role": "board"},
        headers=world[Role.ADMIN].headers,
    )
    assert again.status_code == 201, again.text
    assert again.json()["name"] == "Dr New"


async def test_every_change_to_a_person_is_told_to_each_of_their_associations(factory, database):
    alia, aasw = await factory.tenant("alia"), await factory.tenant("aasw")
    person = alia[Role.COORDINATOR]
    await grant_role(aasw.tenant, person.email, Role.MEMBER, actor=OPERATOR)

    # The operator renames the account and sets a password (`accord users add`).
    await grant_role(
        alia.tenant,
        person.email,
        Role.COORDINATOR,
        "Renamed Coordinator",
        hash_password("a long enough password"),
        actor=OPERATOR,
    )

    for world in (alia, aasw):
        updates = [e for e in await events_of(world.tenant.id) if e["action"] == "person.updated"]
        assert len(updates) == 1, world.slug
        assert updates[0]["object_id"] == str(person.person_id)
        assert updates[0]["changes"]["name"] == ["Coordinator person", "Renamed Coordinator"]
        assert "password_hash" in updates[0]["changes"]
        assert "argon2" not in str(updates[0]["changes"])
