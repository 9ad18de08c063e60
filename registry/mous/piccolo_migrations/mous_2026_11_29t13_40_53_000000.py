"""A partner is a party to an MOU once; an MOU's reference is unique in its tenant;
the daily job finds MOUs by state and date.

Piccolo has no composite unique constraint, so this is raw SQL that both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T13:40:53:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique MOU parties and references; MOUs by state and expiry"

FORWARDS = (
    "CREATE UNIQUE INDEX mou_party_mou_partner ON mou_party (mou, partner)",
    "CREATE UNIQUE INDEX mou_tenant_reference ON mou (tenant, reference)",
    "CREATE INDEX mou_state_expires ON mou (state, expires_on)",
)
BACKWARDS = (
    "DROP INDEX mou_state_expires",
    "DROP INDEX mou_tenant_reference",
    "DROP INDEX mou_party_mou_partner",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="mous", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in FORWARDS:
            await engine.run_ddl(statement)

    async def drop_indexes() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in BACKWARDS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
