"""A person holds each role in a tenant at most once.

Piccolo has no composite unique constraint, so this is raw SQL that both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T12:19:44:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique (tenant, person, role) memberships"

FORWARDS = "CREATE UNIQUE INDEX membership_tenant_person_role ON membership (tenant, person, role)"
BACKWARDS = "DROP INDEX membership_tenant_person_role"


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
