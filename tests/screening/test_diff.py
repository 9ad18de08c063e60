"""List changes between two versions of the UN list."""

from __future__ import annotations

import pytest

from screening.diff import diff_versions


def test_un_2024_to_2026(un_2024, un_2026):
    diff = diff_versions(un_2024, un_2026)
    assert diff.old_version == un_2024.version_id
    assert diff.new_version == un_2026.version_id
    old_refs = {e.ref for e in un_2024.entities}
    new_refs = {e.ref for e in un_2026.entities}
    assert {e.ref for e in diff.added} == new_refs - old_refs
    assert {e.ref for e in diff.removed} == old_refs - new_refs
    assert len(un_2024.entities) + len(diff.added) - len(diff.removed) == len(un_2026.entities)
    assert diff.summary() == {"added": 130, "removed": 6, "changed": 113}
    assert all(c.fields for c in diff.changed)
    assert {"birth_dates", "names"} <= {f for c in diff.changed for f in c.fields}


def test_same_version_has_no_changes(un_2026):
    assert diff_versions(un_2026, un_2026).is_empty


def test_diff_refuses_different_sources(un_2026, ofac_cons):
    with pytest.raises(ValueError):
        diff_versions(un_2026, ofac_cons)
