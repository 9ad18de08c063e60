"""`accord`: the operator's command line.

It must start fast: this module imports click and little else. The operator's own
commands below import what they need when they run; the command groups that live
beside their capability are named in `GROUPS` (and the benchmarks in `BENCHES`) and
imported only when used, so `accord --help` lists them without importing any.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import click

from registry.console import AccordGroup, Lazy, LazyGroup, run
from tenants import text
from tenants.errors import InvalidInput

T = TypeVar("T")


class Text(click.ParamType):
    """A text option under the text policy (tenants/text.py): what it refuses is a
    usage error naming the option."""

    name = "text"

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return text.clean(str(value), param.name or "value" if param else "value", self.kind)
        except InvalidInput as exc:
            self.fail(exc.message, param, ctx)


NAME = Text(text.NAME)


def operator(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        run(fn(*args, **kwargs))

    return wrapper


def sets_up(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """As `operator`, for a command that may create the database it is pointed at."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        run(fn(*args, **kwargs), creates_database=True)

    return wrapper


#: The command groups that live beside the capability they drive: the name typed
#: after `accord`, where the group is, and the line `accord --help` shows for it (the
#: first sentence of the group's help; tests/cli/test_startup.py checks they agree).
#: Adding a group is one line here.
GROUPS: dict[str, Lazy] = {
    "audit": Lazy("registry.audit.cli:audit_group", "Tamper-evident audit ledger."),
    "members": Lazy(
        "registry.members.cli:members_group",
        "The association's member register, and invitations to join.",
    ),
    "mentoring": Lazy(
        "registry.mentoring.cli:mentoring_group",
        "Mentoring schemes: fee runs, closing ended intakes, exports.",
    ),
    "motions": Lazy(
        "registry.board.cli:motions_group", "Board motions: close those past their deadline."
    ),
    "mous": Lazy(
        "registry.mous.cli:mous_group", "The MOU register: expiry and reviews that fall due."
    ),
    "notifications": Lazy(
        "registry.notifications.cli:notifications_group",
        "The e-mail outbox of notifications (delivered over SMTP).",
    ),
    "participation": Lazy(
        "registry.participation.cli:participation_group",
        "Meetings, surveys, flags and certificates of mentoring partnerships.",
    ),
    "policies": Lazy(
        "registry.policies.cli:policies_group",
        "Eligibility, priority and approval policies, and their presets.",
    ),
    "relationships": Lazy(
        "registry.relationships.cli:relationships_group",
        "Partners, relationship requests and their screening cases.",
    ),
    "screening": Lazy(
        "registry.screening.cli:screening_group", "Sanctions screening against official lists."
    ),
}

#: The benchmarks under `accord bench`, as `GROUPS`.
BENCHES: dict[str, Lazy] = {
    "audit": Lazy(
        "registry.audit.cli:bench_audit_command",
        "Append overhead (p50, p99), export plus verify of EVENTS, inclusion proof time.",
    ),
    "board": Lazy(
        "registry.board.cli:bench_board_command",
        "One vote (p50, p99), the settling vote that signs the decision, DIRECTORS votes at "
        "once (none lost, none doubled) and reading back a verified decision.",
    ),
    "cli": Lazy(
        "registry.bench.startup:bench_cli_command",
        "Median start time of `accord --help` and `accord tokens create`, each run as a "
        "fresh process.",
    ),
    "intake": Lazy(
        "registry.mentoring.bench:bench_intake_command",
        "An ALIA intake end to end; the last line is one JSON object.",
    ),
    "matching": Lazy(
        "registry.matching.bench:bench_matching_command",
        "Mentor-mentee assignment vs its LP optimum; peer rounds vs a MILP optimum.",
    ),
    "relationships": Lazy(
        "registry.relationships.bench:bench_relationships_command",
        "Due-diligence benchmark; the last line is one JSON object.",
    ),
    "screening": Lazy(
        "registry.screening.cli:bench_screening_command",
        "Screening benchmark; the last line is one JSON object.",
    ),
}


@click.group(
    cls=AccordGroup,
    lazy=GROUPS,
    help="Accord: governance of mentoring schemes and international partnerships.",
)
@click.option(
    "--debug",
    is_flag=True,
    envvar="ACCORD_DEBUG",
    help="On an error, show its traceback instead of the one-line message.",
)
def main(debug: bool) -> None:
    """An error ends as one line on stderr (see `registry.console.AccordGroup`)."""


@main.command(help="Serve the HTTP API (ACCORD_HOST, ACCORD_PORT).")
@click.option("--host", default=None, help="Interface to bind (default ACCORD_HOST).")
@click.option("--port", type=int, default=None, help="Port (default ACCORD_PORT).")
@click.option("--workers", type=int, default=1, show_default=True)
def serve(host: str | None, port: int | None, workers: int) -> None:
    import uvicorn

    from tenants.settings import load_settings

    server = load_settings().server
    uvicorn.run(
        "registry.app:create_app",
        factory=True,
        host=host or server.host,
        port=port or server.port,
        workers=workers,
        log_level=server.log_level,
        access_log=False,
        # Forwarded headers are believed only from the proxies configured: uvicorn's
        # own default would trust any client connecting from 127.0.0.1 (or whatever
        # FORWARDED_ALLOW_IPS says), and so let it name its address.
        proxy_headers=bool(server.trusted_proxies),
        forwarded_allow_ips=list(server.trusted_proxies),
    )


@main.command(help="Apply every pending database migration.")
@sets_up
async def migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all")
    if not result.success:
        raise click.ClickException(f"migration failed: {result.message}")
    click.echo("migrations applied", err=True)


@main.command(help="Load the demo tenants and people (idempotent) and print how to sign in.")
@sets_up
async def demo() -> None:
    from registry.demo import DEMO_PASSWORD, load_demo

    result = await load_demo()
    if result.tenants_created:
        click.echo(f"created tenants: {', '.join(result.tenants_created)}")
    click.echo("demo people (every one signs in with the password below):")
    for tenant, role, email in result.people:
        click.echo(f"  {tenant:5} {role:12} {email}")
    click.echo(f"password: {DEMO_PASSWORD}")
    if result.invitations:
        click.echo("invitations waiting in the outbox (open a link to accept):")
        for tenant, email, link in result.invitations:
            click.echo(f"  {tenant:5} {email:28} http://127.0.0.1:8000{link}")
    click.echo(f"token for {result.admin_email} (tenant alia, shown once):")
    click.echo(f"  {result.admin_token}")
    click.echo(
        "try: curl -H 'Authorization: Bearer "
        f"{result.admin_token}' http://127.0.0.1:8000/api/v1/t/alia/members"
    )


# -- tenants -----------------------------------------------------------------------


@main.group(help="Create, list, update, suspend and resume tenants (the platform operator).")
def tenants() -> None:
    pass


def _tenant_line(t: Any) -> str:
    return f"{t.slug}\t{t.status}\t{t.country}\t{t.time_zone}\t{t.name}"


@tenants.command("create", help="Create a tenant with its keys.")
@click.argument("slug")
@click.option("--name", type=NAME, required=True)
@click.option("--country", required=True, help="ISO 3166-1 code, e.g. AU")
@click.option("--time-zone", default="UTC", show_default=True)
@operator
async def tenants_create(slug: str, name: str, country: str, time_zone: str) -> None:
    from registry.audit.ledger import OPERATOR
    from tenants.service import create_tenant

    click.echo(_tenant_line(await create_tenant(slug, name, country, time_zone, actor=OPERATOR)))


@tenants.command("list", help="List tenants.")
@click.option("--json", "as_json", is_flag=True)
@operator
async def tenants_list(as_json: bool) -> None:
    from tenants.service import list_tenants

    for t in await list_tenants():
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "slug": t.slug,
                        "name": t.name,
                        "country": t.country,
                        "time_zone": t.time_zone,
                        "status": t.status,
                    }
                )
            )
        else:
            click.echo(_tenant_line(t))


@tenants.command("update", help="Change a tenant's name, country or time zone.")
@click.argument("slug")
@click.option("--name", type=NAME)
@click.option("--country")
@click.option("--time-zone")
@operator
async def tenants_update(
    slug: str, name: str | None, country: str | None, time_zone: str | None
) -> None:
    from registry.audit.ledger import OPERATOR
    from tenants.service import update_tenant

    click.echo(
        _tenant_line(
            await update_tenant(
                slug, name=name, country=country, time_zone=time_zone, actor=OPERATOR
            )
        )
    )


@tenants.command("suspend", help="Suspend a tenant: its API answers 403; nothing is deleted.")
@click.argument("slug")
@click.option(
    "--reason", type=Text(text.PARAGRAPH), default="", help="Shown to the tenant's users."
)
@operator
async def tenants_suspend(slug: str, reason: str) -> None:
    from registry.audit.ledger import OPERATOR
    from tenants.service import SUSPENDED, set_tenant_status

    click.echo(_tenant_line(await set_tenant_status(slug, SUSPENDED, reason, actor=OPERATOR)))


@tenants.command("resume", help="Lift a suspension.")
@click.argument("slug")
@operator
async def tenants_resume(slug: str) -> None:
    from registry.audit.ledger import OPERATOR
    from tenants.service import ACTIVE, set_tenant_status

    click.echo(_tenant_line(await set_tenant_status(slug, ACTIVE, actor=OPERATOR)))


# -- users and tokens ----------------------------------------------------------------


@main.group(help="People and their roles in tenants.")
def users() -> None:
    pass


@users.command("add", help="Give a person (created if new) a role in a tenant.")
@click.argument("email")
@click.option("--tenant", "slug", required=True)
@click.option("--role", required=True, help="admin, executive, coordinator, board, auditor, member")
@click.option("--name", type=NAME, default="")
@click.option("--password-stdin", is_flag=True, help="Read a sign-in password from stdin.")
@operator
async def users_add(email: str, slug: str, role: str, name: str, password_stdin: bool) -> None:
    from registry.audit.ledger import OPERATOR
    from tenants.service import get_tenant, grant_role
    from tenants.sessions import hash_password

    password_hash = ""
    if password_stdin:
        password_hash = hash_password(sys.stdin.readline().rstrip("\n"))
    grant = await grant_role(
        await get_tenant(slug), email, role, name, password_hash, actor=OPERATOR
    )
    state = "added" if grant.created else "already held"
    click.echo(f"{grant.person.email}\t{slug}\t{grant.membership.role}\t{state}")


@main.group(help="API tokens.")
def tokens() -> None:
    pass


@tokens.command("create", help="Issue a token; prints the token alone on stdout, once.")
@click.argument("email")
@click.option("--tenant", "slug", required=True)
@click.option("--expires-days", type=int, default=90, show_default=True)
@click.option("--label", type=NAME, default="")
@operator
async def tokens_create(email: str, slug: str, expires_days: int, label: str) -> None:
    from registry.audit.ledger import OPERATOR
    from tenants.errors import NotFound
    from tenants.service import find_person, get_tenant, roles_of
    from tenants.tokens import issue_token

    tenant = await get_tenant(slug)
    person = await find_person(email)
    if person is None or not await roles_of(tenant.id, person.id):
        raise NotFound(f"{email} is not a member of {slug}")
    issued = await issue_token(
        tenant.id, person.id, label=label, expires_days=expires_days, actor=OPERATOR
    )
    click.echo(issued.secret)


@tokens.command("revoke", help="Revoke a token by its id.")
@click.argument("token_id")
@click.option("--tenant", "slug", required=True)
@operator
async def tokens_revoke(token_id: str, slug: str) -> None:
    from uuid import UUID

    from registry.audit.ledger import OPERATOR
    from tenants.errors import InvalidInput
    from tenants.service import get_tenant
    from tenants.tokens import revoke_token

    try:
        tid = UUID(token_id)
    except ValueError:
        raise InvalidInput("token_id", f"{token_id!r} is not a token id") from None
    row = await revoke_token((await get_tenant(slug)).id, tid, actor=OPERATOR)
    click.echo(f"revoked {row.id}")


@main.group(help="Tenant signing and data keys.")
def keys() -> None:
    pass


@keys.command("rotate", help="Retire a tenant's keys and create new ones; old ones stay.")
@click.option("--tenant", "slug", required=True)
@operator
async def keys_rotate(slug: str) -> None:
    from registry.audit.ledger import OPERATOR
    from tenants.database import write_transaction
    from tenants.keys import rotate_tenant_keys
    from tenants.service import get_tenant

    tenant = await get_tenant(slug)
    async with write_transaction():
        row = await rotate_tenant_keys(tenant.id, actor=OPERATOR)
    click.echo(f"{slug}\tnew key {row.key_id}")


@main.group(
    cls=LazyGroup, lazy=BENCHES, help="Benchmarks; each prints one JSON object as its last line."
)
def bench() -> None:
    pass


@bench.command("api", help="Throughput and p99 of a tenant-scoped list vs a bare endpoint.")
@click.option("--duration", type=float, default=8.0, show_default=True, help="Seconds per run.")
@click.option("--connections", type=int, default=32, show_default=True)
@click.option("--engine", type=click.Choice(["sqlite", "postgres", "both"]), default="both")
@click.option(
    "--postgres-url",
    envvar="ACCORD_BENCH_POSTGRES_URL",
    default="postgresql://accord:accord@127.0.0.1:5432/accord_bench",
    show_default=True,
)
@click.option(
    "--workers",
    type=int,
    default=1,
    show_default=True,
    help="Server processes, the same for Accord and the ceiling.",
)
def bench_api(
    duration: float, connections: int, engine: str, postgres_url: str, workers: int
) -> None:
    from registry.bench.api import run_api_bench

    results = run_api_bench(duration, connections, engine, postgres_url, workers)
    for line in results[:-1]:
        click.echo(json.dumps(line))
    click.echo(json.dumps(results[-1]))


if __name__ == "__main__":
    main()
