"""A policy's versions are numbered once per tenant and name; versions are read by
(tenant, name, version), newest first.

Piccolo has no composite unique constraint, so this is raw SQL that both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T13:42:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique (tenant, name, version) policy versions"

FORWARDS = (
    "CREATE UNIQUE INDEX tenant_policy_version_tenant_name_version"
    " ON tenant_policy_version (tenant, name, version)"
)
BACKWARDS = "DROP INDEX tenant_policy_version_tenant_name_version"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="policies", description=DESCRIPTION)

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
