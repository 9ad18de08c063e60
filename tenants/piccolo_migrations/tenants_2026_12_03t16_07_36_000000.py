"""The members page now reads each membership's display name too: carry it in the
page index (as the previous one carried person and role), so that a page is still
read from the index alone. The index it replaces is its prefix."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T16:07:36:000000"
VERSION = "1.38.0"
DESCRIPTION = "Members page index covers the display name"

FORWARDS = (
    "CREATE INDEX membership_page_named"
    " ON membership (tenant, created_at, id, person, role, display_name)",
    "DROP INDEX membership_page",
)
BACKWARDS = (
    "CREATE INDEX membership_page ON membership (tenant, created_at, id, person, role)",
    "DROP INDEX membership_page_named",
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
