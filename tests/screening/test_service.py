"""The API's input checks and the tenant's thresholds (no database)."""

from __future__ import annotations

import pytest

from registry.screening.service import tenant_thresholds, validate_query
from screening.matcher import Thresholds
from tenants.errors import Conflict, InvalidInput

from .conftest import accord


def test_query_is_normalised():
    query = validate_query("  Qasem Soleimani ", "1957-03-11", "iran", "person")
    assert (query.name, query.dob, query.country, query.schema) == (
        "Qasem Soleimani",
        "1957-03-11",
        "IR",
        "person",
    )
    assert validate_query("X", "1957", "", None).dob == "1957"
    assert validate_query("X", "1957-03", None, None).country is None


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", None, None), "name"),
        (("x" * 301, None, None), "name"),
        (("...", None, None), "name"),
        (("X", "1957/03/11", None), "dob"),
        (("X", "1957-02-29", None), "dob"),
        (("X", "1066", None), "dob"),
        (("X", None, "ZZ"), "country"),
    ],
)
def test_bad_query_names_the_field(args, field):
    with pytest.raises(InvalidInput) as error:
        validate_query(*args, None)
    assert error.value.field == field


def test_thresholds_from_settings():
    assert tenant_thresholds({}) == Thresholds()
    assert tenant_thresholds('{"screening": {"review": 0.6}}') == Thresholds(0.6, 0.9)
    assert tenant_thresholds({"screening": {"review": 0.5, "block": 0.8}}) == Thresholds(0.5, 0.8)
    assert tenant_thresholds({"screening": "strict"}) == Thresholds()
    with pytest.raises(Conflict):
        tenant_thresholds({"screening": {"review": 0.95, "block": 0.9}})
    with pytest.raises(Conflict):
        tenant_thresholds({"screening": {"review": "high"}})


def test_check_without_a_readable_database_fails_closed(tmp_path):
    result = accord(
        "screening",
        "check",
        "Anybody",
        env={"ACCORD_DATABASE_URL": f"sqlite:///{tmp_path / 'unmigrated.sqlite3'}"},
    )
    # Nothing is said clear: the check refuses in one line naming the missing database
    # (and creates none), as every command does outside a migrated database.
    assert result.returncode == 1, result.stderr
    assert "CLEAR" not in result.stdout
    assert "no database at" in result.stderr and "unmigrated.sqlite3" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "unmigrated.sqlite3").exists()
