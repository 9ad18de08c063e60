"""Nobody is on a motion's roll twice, so nobody can vote twice: unique
(motion, person) ballots. Motions are listed per tenant by subject and status.

Piccolo has no composite unique constraint, so this is raw SQL that both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T13:36:23:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique (motion, person) ballots; motions by tenant and subject"

FORWARDS = (
    "CREATE UNIQUE INDEX board_ballot_motion_person ON board_ballot (motion, person)",
    "CREATE INDEX board_motion_tenant_subject ON board_motion (tenant, subject_kind, subject_id)",
    "CREATE INDEX board_motion_status_closes ON board_motion (status, closes_at)",
)
BACKWARDS = (
    "DROP INDEX board_motion_status_closes",
    "DROP INDEX board_motion_tenant_subject",
    "DROP INDEX board_ballot_motion_person",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="board", description=DESCRIPTION)

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
