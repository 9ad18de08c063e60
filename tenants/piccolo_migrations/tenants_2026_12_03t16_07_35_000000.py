"""A person's account is theirs; CSRF tokens are kept as hashes.

- `membership.display_name`: a tenant's own name for a member, so that no tenant
  needs to (or may) change the person's account name.
- `web_session.csrf_token` becomes `csrf_hash`. The tokens stored in clear until now
  cannot be turned into the new derived tokens, so the open sessions end here (their
  expiry set to their start) and the clear tokens are erased: everyone signs in again.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T16:07:35:000000"
VERSION = "1.38.0"
DESCRIPTION = "Membership display name; sessions keep a hash of their CSRF token"

END_SESSIONS = "UPDATE web_session SET csrf_token = '', expires_at = created_at"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def end_sessions() -> None:
        # Raw steps run before the column steps below, so the old name is still valid.
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(END_SESSIONS)

    manager.add_raw(end_sessions)
    manager.add_column(
        table_class_name="Membership",
        tablename="membership",
        column_name="display_name",
        db_column_name="display_name",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 200,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    manager.rename_column(
        table_class_name="WebSession",
        tablename="web_session",
        old_column_name="csrf_token",
        new_column_name="csrf_hash",
        old_db_column_name="csrf_token",
        new_db_column_name="csrf_hash",
        schema=None,
    )
    return manager
