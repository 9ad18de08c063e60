"""Stored sanctions list versions. Global reference data: no tenant column.

One `ScreeningListVersion` row per import (source, publication date, checksum, when
it was imported, how many entities, status) and one `ScreeningEntity` row per listed
entity of that version, the normalised `ListedEntity` kept as msgspec JSON.

Status: the newest import of a source is `active`; importing a newer one marks the
previous `superseded` in the same transaction. Screening uses the active versions.
"""

from piccolo.columns import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class ScreeningListVersion(Table, tablename="screening_list_version"):
    id = Serial(primary_key=True)
    source = Varchar(length=16, index=True)
    version_key = Varchar(length=64)
    published = Date(null=True, default=None)
    sha256 = Varchar(length=64)
    files = JSON(default="[]")
    counts = JSON(default="{}")
    entity_count = Integer(default=0)
    status = Varchar(length=16, default="active", index=True)
    imported_at = Timestamptz(default=TimestamptzNow())


class ScreeningEntity(Table, tablename="screening_entity"):
    id = Serial(primary_key=True)
    version = ForeignKey(ScreeningListVersion, null=False, index=True, on_delete=OnDelete.cascade)
    entity_ref = Varchar(length=128)
    entity_schema = Varchar(length=16)
    name = Text(default="")
    data = Text()
