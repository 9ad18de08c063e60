"""The members page also reads each membership's person and role: carry them in the
page index, so that a page is read from the index alone, without a lookup of every
membership row (~3 µs of the page's ~50 µs on SQLite). The narrower index it
replaces is its prefix."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Members page index covers person and role"

FORWARDS = (
    "CREATE INDEX membership_page ON membership (tenant, created_at, id, person, role)",
    "DROP INDEX membership_tenant_created",
)
BACKWARDS = (
    "CREATE INDEX membership_tenant_created ON membership (tenant, created_at, id)",
    "DROP INDEX membership_page",
)


async def _run(statements: tuple[str, ...]) -> None:
    engine = engine_finder()
    assert engine is not None
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def cover() -> None:
        await _run(FORWARDS)

    async def uncover() -> None:
        await _run(BACKWARDS)

    manager.add_raw(cover)
    manager.add_raw_backwards(uncover)
    return manager
