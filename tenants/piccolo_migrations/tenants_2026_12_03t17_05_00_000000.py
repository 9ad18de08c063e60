"""Invitations, password resets, and the person's own profile (languages, time zone).

Written as plain DDL that both engines accept; the type names are the ones Piccolo
declares, so that SQLite's converters read the values back as Piccolo does."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T17:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Invitations, password resets, profile languages and time zone"

FORWARDS = (
    "ALTER TABLE person ADD COLUMN languages VARCHAR(200) NOT NULL DEFAULT ''",
    "ALTER TABLE person ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT ''",
    "CREATE TABLE invitation ("
    " id UUID PRIMARY KEY NOT NULL,"
    " tenant UUID NOT NULL REFERENCES tenant (id) ON DELETE CASCADE ON UPDATE CASCADE,"
    " person UUID NOT NULL REFERENCES person (id) ON DELETE CASCADE ON UPDATE CASCADE,"
    " email VARCHAR(254) NOT NULL DEFAULT '',"
    " role VARCHAR(32) NOT NULL DEFAULT '',"
    " display_name VARCHAR(200) NOT NULL DEFAULT '',"
    " token_hash VARCHAR(64) NOT NULL UNIQUE,"
    " invited_by UUID NULL,"
    " created_at TIMESTAMPTZ NOT NULL,"
    " expires_at TIMESTAMPTZ NOT NULL,"
    " accepted_at TIMESTAMPTZ NULL)",
    "CREATE INDEX invitation_tenant ON invitation (tenant, created_at)",
    "CREATE INDEX invitation_person ON invitation (person)",
    "CREATE TABLE password_reset ("
    " id UUID PRIMARY KEY NOT NULL,"
    " person UUID NULL REFERENCES person (id) ON DELETE CASCADE ON UPDATE CASCADE,"
    " email VARCHAR(254) NOT NULL DEFAULT '',"
    " client VARCHAR(64) NOT NULL DEFAULT '',"
    " token_hash VARCHAR(64) NULL UNIQUE,"
    " created_at TIMESTAMPTZ NOT NULL,"
    " expires_at TIMESTAMPTZ NOT NULL,"
    " used_at TIMESTAMPTZ NULL)",
    "CREATE INDEX password_reset_email ON password_reset (email, created_at)",
    "CREATE INDEX password_reset_client ON password_reset (client, created_at)",
    "CREATE INDEX password_reset_person ON password_reset (person)",
)
BACKWARDS = (
    "DROP TABLE password_reset",
    "DROP TABLE invitation",
    "ALTER TABLE person DROP COLUMN time_zone",
    "ALTER TABLE person DROP COLUMN languages",
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
