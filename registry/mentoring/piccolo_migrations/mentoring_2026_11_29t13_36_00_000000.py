"""A person applies once per intake; a match run's pairs and a partnership's state
are read by intake.

Piccolo has no composite unique constraint, so this is raw SQL that both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T13:36:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One application per person and intake; partnerships by intake and state"

FORWARDS = (
    "CREATE UNIQUE INDEX mentoring_application_intake_person"
    " ON mentoring_application (tenant, intake, person)",
    "CREATE INDEX mentoring_partnership_intake_state"
    " ON mentoring_partnership (tenant, intake, state)",
)
BACKWARDS = (
    "DROP INDEX mentoring_partnership_intake_state",
    "DROP INDEX mentoring_application_intake_person",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="mentoring", description=DESCRIPTION)

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
