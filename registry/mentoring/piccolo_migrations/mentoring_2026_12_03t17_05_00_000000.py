"""A person may apply to an intake again once their application is withdrawn or
refused: the one-application-per-person-and-intake index now covers only applications
that are not over, and the earlier ones stay as history.

A partial unique index, raw SQL that both engines accept (SQLite since 3.8).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T17:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One open application per person and intake; withdrawn and refused ones stay"

FORWARDS = (
    "DROP INDEX mentoring_application_intake_person",
    "CREATE UNIQUE INDEX mentoring_application_intake_person_open"
    " ON mentoring_application (tenant, intake, person)"
    " WHERE status NOT IN ('withdrawn', 'refused')",
)
BACKWARDS = (
    "DROP INDEX mentoring_application_intake_person_open",
    # Fails while a person has an earlier application next to a later one: going back
    # would have to drop history, which a migration does not do silently.
    "CREATE UNIQUE INDEX mentoring_application_intake_person"
    " ON mentoring_application (tenant, intake, person)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="mentoring", description=DESCRIPTION)

    async def run(statements: tuple[str, ...]) -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in statements:
            await engine.run_ddl(statement)

    async def forwards_ddl() -> None:
        await run(FORWARDS)

    async def backwards_ddl() -> None:
        await run(BACKWARDS)

    manager.add_raw(forwards_ddl)
    manager.add_raw_backwards(backwards_ddl)
    return manager
