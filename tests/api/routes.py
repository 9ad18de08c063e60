"""The app's own routes, read from the application: tests built on this list cover
routes added later without anyone writing a new test."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from litestar.handlers import HTTPRouteHandler

from registry.app import create_app
from registry.http.tenancy import ROLES_KEY
from tenants.roles import Role

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


@dataclass(frozen=True)
class TenantRoute:
    path: str  # with Litestar's typed placeholders, e.g. /api/v1/t/{tenant:str}/members
    method: str
    handler: HTTPRouteHandler

    @property
    def params(self) -> list[str]:
        return [p for p in PARAM.findall(self.path) if p != "tenant"]

    @property
    def roles(self) -> frozenset[Role] | None:
        roles: frozenset[Role] | None = self.handler.opt.get(ROLES_KEY)
        return roles

    def url(self, tenant: str, ids: dict[str, Any]) -> str:
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return tenant if name == "tenant" else str(ids[name])

        return PARAM.sub(fill, self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def tenant_routes(api: bool = True) -> list[TenantRoute]:
    """The API's tenant routes; with `api=False`, the other routes with a `{tenant}`
    (the web pages, tested by tests/web/test_guard.py with a browser session)."""
    found = []
    for route in create_app().routes:
        if "{tenant" not in route.path or route.path.startswith("/api/") != api:
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods):
                if method not in {"OPTIONS", "HEAD"}:
                    found.append(TenantRoute(route.path, method, handler))
    return found


#: How to find, in a tenant, an object for each kind of path parameter. A route with
#: a parameter missing here fails the isolation test until one is added.
ObjectFinder = Callable[[Any], Any]
OBJECT_IN_TENANT: dict[str, ObjectFinder] = {
    "membership_id": lambda world: world[Role.MEMBER].membership_id,
    "token_id": lambda world: world[Role.MEMBER].token_id,
    "name": lambda world: world.policy_name,  # a policy that exists in this tenant only
    "version": lambda world: 1,
    "motion_id": lambda world: world.motion_id,
    "mou_id": lambda world: world.mou_id,
    "review_id": lambda world: world.review_id,
    "notification_id": lambda world: world.notification_id,
    "meeting_id": lambda world: world.participation["meeting_id"],
    "survey_id": lambda world: world.participation["survey_id"],
    "certificate_id": lambda world: world.participation["certificate_id"],
    # Participation's completed pair, until the mentoring room's world seeds one.
    "partnership_id": lambda world: world.participation["partnership_id"],
    "partner_id": lambda world: world.relationships["partner_id"],
    "officer_id": lambda world: world.relationships["officer_id"],
    "request_id": lambda world: world.relationships["request_id"],
    "case_id": lambda world: world.relationships["case_id"],
    "scheme_id": lambda world: world.mentoring["scheme_id"],
    "intake_id": lambda world: world.mentoring["intake_id"],
    "application_id": lambda world: world.mentoring["application_id"],
    "run_id": lambda world: world.mentoring["run_id"],
    # Not seeded: a record gives the tenant a member register, and eligibility then reads
    # it for every applicant of every room's tests. tests/members covers another
    # tenant's record (404) with a real one.
    "record_id": lambda world: uuid4(),
}

_M = "/api/v1/t/{tenant:str}/mentoring"
MENTORING_BODIES: dict[tuple[str, str], Any] = {
    ("POST", f"{_M}/schemes"): {
        "name": "Scheme",
        "mode": "peer",
        "preset": "iln-peer",
        "interests": ["leadership"],
    },
    ("POST", f"{_M}/schemes/{{scheme_id:uuid}}/intakes"): {
        "name": "Intake",
        "starts_on": "2030-07-01",
    },
    ("POST", f"{_M}/intakes/{{intake_id:uuid}}/applications"): {
        "role": "mentee",
        "interests": ["leadership"],
        "sector": "public",
        "career_stage": 2,
        "years": 1,
        "country": "AU",
        "languages": ["en"],
        "utc_offset": 10,
    },
    ("POST", f"{_M}/applications/{{application_id:uuid}}/withdraw"): {"reason": "x"},
    ("POST", f"{_M}/applications/{{application_id:uuid}}/refuse"): {"reason": "x"},
    ("POST", f"{_M}/applications/{{application_id:uuid}}/fee"): {"state": "waived"},
    ("POST", f"{_M}/applications/{{application_id:uuid}}/fee/refund"): {"reason": "x"},
    ("PATCH", f"{_M}/schemes/{{scheme_id:uuid}}"): {"name": "Renamed scheme"},
    ("PATCH", f"{_M}/intakes/{{intake_id:uuid}}"): {"name": "Renamed intake"},
    ("POST", f"{_M}/match-runs/{{run_id:uuid}}/pins"): {"a": str(uuid4()), "b": str(uuid4())},
    ("POST", f"{_M}/match-runs/{{run_id:uuid}}/unpin"): {"a": str(uuid4()), "b": str(uuid4())},
    ("POST", f"{_M}/match-runs/{{run_id:uuid}}/swap"): {
        "first": str(uuid4()),
        "second": str(uuid4()),
    },
    ("POST", f"{_M}/partnerships/{{partnership_id:uuid}}/withdraw"): {"reason": "x"},
    ("POST", f"{_M}/partnerships/{{partnership_id:uuid}}/terminate"): {"reason": "x"},
}

#: A valid body for routes that take one, so that a refusal is about the tenant or
#: the role, not the input.
VALID_BODY: dict[tuple[str, str], Any] = {
    ("PATCH", "/api/v1/t/{tenant:str}"): {"name": "Renamed Association"},
    ("POST", "/api/v1/t/{tenant:str}/members"): {"email": "new@example.org", "role": "member"},
    ("POST", "/api/v1/t/{tenant:str}/tokens"): {"label": "x"},
    ("POST", "/api/v1/t/{tenant:str}/policies"): {"name": "fresh", "preset": "iln-peer"},
    ("PUT", "/api/v1/t/{tenant:str}/policies/{name:str}"): {"preset": "alia-mentoring"},
    ("PUT", "/api/v1/t/{tenant:str}/motions/{motion_id:uuid}/vote"): {"choice": "abstain"},
    ("POST", "/api/v1/t/{tenant:str}/motions/{motion_id:uuid}/recusal"): {"conflict": "x"},
    ("POST", "/api/v1/t/{tenant:str}/mous"): {"title": "MOU", "parties": [str(uuid4())]},
    ("PATCH", "/api/v1/t/{tenant:str}/mous/{mou_id:uuid}"): {"title": "Renamed MOU"},
    ("POST", "/api/v1/t/{tenant:str}/mous/{mou_id:uuid}/motions"): {
        "purpose": "termination",
        "closes_at": "2030-01-01T00:00:00Z",
    },
    ("POST", "/api/v1/t/{tenant:str}/mous/{mou_id:uuid}/signing"): {
        "signatories": [{"name": "A Signatory", "signed_on": "2026-01-01"}],
        "document_sha256": "0" * 64,
    },
    ("POST", "/api/v1/t/{tenant:str}/mous/{mou_id:uuid}/reviews/{review_id:uuid}/decision"): {
        "benefits_members": True,
        "decision": "continue",
    },
    ("POST", "/api/v1/t/{tenant:str}/policies/{name:str}/evaluate"): {
        "subject": {"kind": "applicant", "role": "mentor"},
        "as_of": "2025-02-01",
    },
    ("POST", "/api/v1/t/{tenant:str}/mentoring/partnerships/{partnership_id:uuid}/meetings"): {
        "held_on": "2025-03-11",
        "minutes": 30,
        "mode": "phone",
    },
    ("PUT", "/api/v1/t/{tenant:str}/meetings/{meeting_id:uuid}/notes"): {"notes": "x"},
    ("POST", "/api/v1/t/{tenant:str}/surveys/{survey_id:uuid}/responses"): {
        "answers": {"goals_met": 4, "satisfaction": 4, "recommend": True, "cpd_claimed": True}
    },
    ("POST", "/api/v1/t/{tenant:str}/certificates/{certificate_id:uuid}/revoke"): {
        "reason": "issued in error"
    },
    ("POST", "/api/v1/t/{tenant:str}/partners"): {
        "name": "Fiji Library Association",
        "country": "FJ",
        "kind": "library_association",
    },
    ("PATCH", "/api/v1/t/{tenant:str}/partners/{partner_id:uuid}"): {"notes": "x"},
    ("POST", "/api/v1/t/{tenant:str}/partners/{partner_id:uuid}/officers"): {"name": "An Officer"},
    ("PATCH", "/api/v1/t/{tenant:str}/partners/{partner_id:uuid}/officers/{officer_id:uuid}"): {
        "role": "Secretary"
    },
    ("POST", "/api/v1/t/{tenant:str}/partners/{partner_id:uuid}/attachments"): {
        "title": "Constitution",
        "sha256": "0" * 64,
    },
    ("POST", "/api/v1/t/{tenant:str}/relationship-requests"): {
        "partner_id": str(uuid4()),
        "kind": "in_kind_support",
        "title": "Support",
    },
    ("PATCH", "/api/v1/t/{tenant:str}/relationship-requests/{request_id:uuid}"): {"title": "x"},
    ("POST", "/api/v1/t/{tenant:str}/relationship-requests/{request_id:uuid}/attestations"): {
        "kind": "personnel",
        "staff": 1,
        "members": 0,
    },
    ("POST", "/api/v1/t/{tenant:str}/relationship-requests/{request_id:uuid}/reversals"): {
        "reverses": str(uuid4()),
        "reason": "x",
        "evidence": "x",
    },
    (
        "POST",
        "/api/v1/t/{tenant:str}/relationship-requests/{request_id:uuid}/reviews/decision",
    ): {"benefits_members": True, "decision": "continue"},
    ("POST", "/api/v1/t/{tenant:str}/relationship-requests/{request_id:uuid}/refer"): {},
    ("POST", "/api/v1/t/{tenant:str}/relationship-requests/{request_id:uuid}/decline"): {
        "reason": "x"
    },
    ("POST", "/api/v1/t/{tenant:str}/relationship-requests/{request_id:uuid}/withdraw"): {
        "reason": "x"
    },
    ("POST", "/api/v1/t/{tenant:str}/screening-cases/{case_id:uuid}/adjudicate"): {
        "outcome": "false_positive",
        "reason": "x",
    },
    **MENTORING_BODIES,
}


def body_for(route: TenantRoute) -> Any:
    if route.method in {"GET", "DELETE"}:
        return None
    return VALID_BODY.get((route.method, route.path), {})
