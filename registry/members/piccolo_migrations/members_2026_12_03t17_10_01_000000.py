"""A member number is one record per tenant; eligibility also finds records by e-mail.

Piccolo has no composite index, so this is raw SQL that both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T17:10:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Member register indexes"

FORWARDS = (
    "CREATE UNIQUE INDEX member_record_number ON member_record (tenant, number)",
    "CREATE INDEX member_record_email ON member_record (tenant, email)",
)
BACKWARDS = (
    "DROP INDEX member_record_email",
    "DROP INDEX member_record_number",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="members", description=DESCRIPTION)

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
