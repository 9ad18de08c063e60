"""Members pages read in (created_at, id) order within a tenant: index exactly that,
so that a page is a range scan rather than a sort of the whole tenant."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T13:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Index memberships by tenant, creation time and id"

FORWARDS = "CREATE INDEX membership_tenant_created ON membership (tenant, created_at, id)"
BACKWARDS = "DROP INDEX membership_tenant_created"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def create_index() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(FORWARDS)

    async def drop_index() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(BACKWARDS)

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
