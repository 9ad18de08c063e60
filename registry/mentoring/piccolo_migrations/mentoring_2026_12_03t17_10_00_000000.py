"""An applicant says whether they want a partner from a similar or a different sector
and career stage, or either (the default: what every earlier application meant)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T17:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Mentoring applications: the partner background wanted"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="mentoring", description=DESCRIPTION)
    manager.add_column(
        table_class_name="MentoringApplication",
        tablename="mentoring_application",
        column_name="partner_background",
        db_column_name="partner_background",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": "either",
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
    return manager
