"""Idempotency keys: one claim per (tenant, key hash), which is what keeps two
concurrent retries from both running; and the tenant's rows by age, for the purge of
those older than a day."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T16:12:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "Idempotency keys: unique claim and age index"

FORWARDS = (
    "CREATE UNIQUE INDEX idempotency_key_claim ON idempotency_key (tenant, key_hash)",
    "CREATE INDEX idempotency_key_age ON idempotency_key (tenant, created_at)",
)
BACKWARDS = (
    "DROP INDEX idempotency_key_age",
    "DROP INDEX idempotency_key_claim",
)


async def _run(statements: tuple[str, ...]) -> None:
    engine = engine_finder()
    assert engine is not None
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def create() -> None:
        await _run(FORWARDS)

    async def drop() -> None:
        await _run(BACKWARDS)

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
