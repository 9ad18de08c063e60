"""Signatories are screened like officers: a result and a case may name the
`mou_signatory` row whose person they screened."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T16:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Screening results and cases of MOU signatories"

PARAMS = {
    "default": None,
    "null": True,
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="relationships", description=DESCRIPTION)
    for class_name, table in (
        ("RelationshipScreeningResult", "relationship_screening_result"),
        ("ScreeningCase", "screening_case"),
    ):
        manager.add_column(
            table_class_name=class_name,
            tablename=table,
            column_name="signatory",
            db_column_name="signatory",
            column_class_name="UUID",
            column_class=UUID,
            params=PARAMS,
            schema=None,
        )
    return manager
