"""One note per meeting and author, one survey per partnership and kind, one answer
per survey and person, one open flag per partnership and kind, one unrevoked
certificate per partnership and person, and certificate codes unique across tenants.

Piccolo has no composite or partial unique index, so this is raw SQL that both
engines accept (partial indexes: SQLite since 3.8, PostgreSQL always).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T13:38:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "Participation: composite, partial and code unique indexes"

FORWARDS = (
    "CREATE UNIQUE INDEX participation_meeting_note_meeting_author"
    " ON participation_meeting_note (meeting, author)",
    "CREATE UNIQUE INDEX participation_survey_partnership_kind"
    " ON participation_survey (partnership, kind)",
    "CREATE UNIQUE INDEX participation_survey_response_survey_person"
    " ON participation_survey_response (survey, person)",
    "CREATE UNIQUE INDEX participation_flag_open"
    " ON participation_flag (partnership, kind) WHERE resolved_at IS NULL",
    "CREATE UNIQUE INDEX participation_certificate_current"
    " ON participation_certificate (partnership, person) WHERE revoked_at IS NULL",
    "CREATE UNIQUE INDEX participation_certificate_code ON participation_certificate (code)",
    "CREATE INDEX participation_meeting_partnership_held"
    " ON participation_meeting (tenant, partnership, held_on)",
)
BACKWARDS = (
    "DROP INDEX participation_meeting_partnership_held",
    "DROP INDEX participation_certificate_code",
    "DROP INDEX participation_certificate_current",
    "DROP INDEX participation_flag_open",
    "DROP INDEX participation_survey_response_survey_person",
    "DROP INDEX participation_survey_partnership_kind",
    "DROP INDEX participation_meeting_note_meeting_author",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="participation", description=DESCRIPTION)

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
