"""The inbox is read per (tenant, person), newest first; the sender looks only at
rows still to deliver, by when they are due.

Piccolo has no composite or partial index, so this is raw SQL that both engines accept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T13:36:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "Inbox and outbox indexes"

FORWARDS = (
    "CREATE INDEX notification_inbox ON notification (tenant, person, created_at)",
    "CREATE INDEX notification_email_due ON notification_email (next_attempt_at)"
    " WHERE sent_at IS NULL AND failed_at IS NULL",
)
BACKWARDS = (
    "DROP INDEX notification_email_due",
    "DROP INDEX notification_inbox",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="notifications", description=DESCRIPTION)

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
