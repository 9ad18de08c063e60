"""A partnership's actual period: the first day it was active, the day it completed,
and whether (and why) a coordinator completed it before the intake's end."""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Date, Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Partnerships: first day active, day completed, early completion and its reason"


def _params(default: Any, null: bool) -> dict[str, Any]:
    return {
        "default": default,
        "null": null,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


COLUMNS: tuple[tuple[str, str, type, dict[str, Any]], ...] = (
    ("active_from", "Date", Date, _params(None, True)),
    ("completed_on", "Date", Date, _params(None, True)),
    ("completed_early", "Boolean", Boolean, _params(False, False)),
    ("completion_reason", "Text", Text, _params("", False)),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="mentoring", description=DESCRIPTION)
    for name, class_name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="MentoringPartnership",
            tablename="mentoring_partnership",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
