"""Screening cases remember what identified the listed entry (`entity_sha256`): a
change of the entry's data in a newer list version reopens an adjudicated case."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T16:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Screening cases: the listed entry's fingerprint"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="relationships", description=DESCRIPTION)
    manager.add_column(
        table_class_name="ScreeningCase",
        tablename="screening_case",
        column_name="entity_sha256",
        db_column_name="entity_sha256",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
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
    return manager
