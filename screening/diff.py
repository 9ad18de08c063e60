"""What changed between two versions of one list, by the list's own reference."""

from __future__ import annotations

import msgspec

from screening.model import ListedEntity, ListVersion


class EntityChange(msgspec.Struct, kw_only=True):
    ref: str
    name: str
    fields: list[str]  # which attributes differ: names, birth_dates, programs, ...


class ListDiff(msgspec.Struct, kw_only=True):
    source: str
    old_version: str
    new_version: str
    added: list[ListedEntity]
    removed: list[ListedEntity]
    changed: list[EntityChange]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
        }


_COMPARED = (
    "schema",
    "names",
    "birth_dates",
    "nationalities",
    "countries",
    "identifiers",
    "programs",
    "listed_on",
)


def _changed_fields(old: ListedEntity, new: ListedEntity) -> list[str]:
    fields = []
    for field in _COMPARED:
        a, b = getattr(old, field), getattr(new, field)
        if isinstance(a, list):
            if sorted(map(repr, a)) != sorted(map(repr, b)):
                fields.append(field)
        elif a != b:
            fields.append(field)
    return fields


def diff_versions(old: ListVersion, new: ListVersion) -> ListDiff:
    """Entities added, removed and changed from `old` to `new` (matched by `ref`).
    Order of names or values inside an entity does not count as a change, nor do
    free-text remarks."""
    if old.source != new.source:
        raise ValueError(f"cannot diff {old.source!r} against {new.source!r}")
    before = {e.ref: e for e in old.entities}
    after = {e.ref: e for e in new.entities}
    changed = []
    for ref in before.keys() & after.keys():
        fields = _changed_fields(before[ref], after[ref])
        if fields:
            changed.append(EntityChange(ref=ref, name=after[ref].primary_name, fields=fields))
    changed.sort(key=lambda c: c.ref)
    return ListDiff(
        source=new.source,
        old_version=old.version_id,
        new_version=new.version_id,
        added=[after[r] for r in sorted(after.keys() - before.keys())],
        removed=[before[r] for r in sorted(before.keys() - after.keys())],
        changed=changed,
    )
