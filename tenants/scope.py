"""Tenant-scoped data access: the one place where tenant isolation is enforced.

Handlers and services of tenant-owned data receive a `TenantScope`, never the bare
tables. Every query it builds is filtered on the tenant column, every row it creates
gets the tenant id, and a row of another tenant is simply not found.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar
from uuid import UUID

from piccolo.columns import Column, ForeignKey
from piccolo.query import Count, Delete, Objects, Select, Update
from piccolo.table import Table

from tenants.database import fetch, fetch_records
from tenants.errors import InvalidInput, NotFound

T = TypeVar("T", bound=Table)


def _tenant_column(table: type[Table]) -> ForeignKey:
    column = getattr(table, "tenant", None)
    if not isinstance(column, ForeignKey):
        raise TypeError(f"{table.__name__} has no tenant column: it is not tenant-scoped")
    return column


def _as_uuid(value: UUID | str, what: str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidInput(what, f"{value!r} is not an id") from None


@lru_cache(maxsize=256)
def _scoped_template(sql: str) -> tuple[str, tuple[str, ...]]:
    """Piccolo's `{}` template for `sql`, and which slot takes the tenant id."""
    parts: list[str] = []
    slots: list[str] = []
    for literal, field, _, _ in string.Formatter().parse(sql):
        parts.append(literal)
        if field is not None:
            slots.append(field)
            parts.append("{}")
    return "".join(parts), tuple(slots)


class TenantScope:
    __slots__ = ("slug", "tenant_id")

    def __init__(self, tenant_id: UUID, slug: str) -> None:
        self.tenant_id = tenant_id
        self.slug = slug

    def objects(self, table: type[T]) -> Objects[T]:
        return table.objects().where(_tenant_column(table) == self.tenant_id)

    def select(self, table: type[Table], *columns: Column) -> Select:
        return table.select(*columns).where(_tenant_column(table) == self.tenant_id)

    def count(self, table: type[Table]) -> Count:
        return table.count().where(_tenant_column(table) == self.tenant_id)

    def update(self, table: type[Table], values: dict[Any, Any]) -> Update:
        return table.update(values).where(_tenant_column(table) == self.tenant_id)

    def delete(self, table: type[Table]) -> Delete:
        return table.delete().where(_tenant_column(table) == self.tenant_id)

    def _bind(self, sql: str, args: tuple[Any, ...]) -> tuple[str, list[Any]]:
        if "{tenant}" not in sql:
            raise TypeError("a scoped statement must filter on {tenant}")
        template, slots = _scoped_template(sql)
        pending = iter(args)
        values = [self.tenant_id if slot == "tenant" else next(pending) for slot in slots]
        return template, values

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Run a hand-written, parameterised SELECT that must filter on `{tenant}`.

        For the few hot reads where building the query costs more than running it.
        `{}` placeholders take `args` in order; `{tenant}` takes this scope's tenant id,
        and a statement without it is refused rather than run unscoped.
        """
        template, values = self._bind(sql, args)
        return await fetch(template, *values)

    async def records(self, sql: str, *args: Any) -> list[Sequence[Any]]:
        """As `rows`, each row a sequence of values in column order (`fetch_records`)."""
        template, values = self._bind(sql, args)
        return await fetch_records(template, *values)

    async def get(self, table: type[T], object_id: UUID | str, what: str = "id") -> T:
        oid = _as_uuid(object_id, what)
        row = await self.objects(table).where(table._meta.primary_key == oid).first()
        if row is None:
            raise NotFound(f"no {table._meta.tablename.replace('_', ' ')} {oid}")
        return row

    async def create(self, table: type[T], **values: Any) -> T:
        """Insert a row of this tenant; any tenant given in `values` is overridden."""
        values[_tenant_column(table)._meta.name] = self.tenant_id
        row = table(**values)
        await row.save()
        return row
