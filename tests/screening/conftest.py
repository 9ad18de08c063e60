"""Parsed lists and the big index, built once per test session from the shared data."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest

from screening.index import ScreeningIndex
from screening.model import ListVersion
from screening.parsers import parse_list
from tests.shared_data import NAMES, SANCTIONS

UN_2026 = SANCTIONS / "un" / "consolidated_2026-02-27.xml"
UN_2024 = SANCTIONS / "un" / "consolidated_2024-11-30.xml"
DFAT_2026 = SANCTIONS / "dfat" / "consolidated_2026-02.xlsx"
DFAT_2024 = SANCTIONS / "dfat" / "regulation8_consolidated_2024-11.xlsx"
OFAC_SDN = [SANCTIONS / "ofac" / f"{n}_2021-07.csv" for n in ("sdn", "alt", "add")]
OFAC_CONS = [SANCTIONS / "ofac" / f"cons_{n}.csv" for n in ("prim", "alt", "add")]
CROSS_SCRIPT = NAMES / "cross_script_pairs.csv"


@pytest.fixture(scope="session")
def un_2026() -> ListVersion:
    return parse_list("un", UN_2026)


@pytest.fixture(scope="session")
def un_2024() -> ListVersion:
    return parse_list("un", UN_2024)


@pytest.fixture(scope="session")
def dfat_2026() -> ListVersion:
    return parse_list("dfat", DFAT_2026)


@pytest.fixture(scope="session")
def dfat_2024() -> ListVersion:
    return parse_list("dfat", DFAT_2024)


@pytest.fixture(scope="session")
def ofac_sdn() -> ListVersion:
    return parse_list("ofac", OFAC_SDN)


@pytest.fixture(scope="session")
def ofac_cons() -> ListVersion:
    return parse_list("ofac_cons", OFAC_CONS)


@pytest.fixture(scope="session")
def big_index(un_2026, dfat_2026, ofac_sdn, ofac_cons) -> ScreeningIndex:
    return ScreeningIndex.build([un_2026, dfat_2026, ofac_sdn, ofac_cons])


@pytest.fixture(scope="session")
def un_index(un_2026) -> ScreeningIndex:
    return ScreeningIndex.build([un_2026])


FTM_T1 = SANCTIONS / "ftm" / "t1_entities.ftm.json"
FTM_ZALA = SANCTIONS / "ftm" / "zala_entities.ftm.json"


def accord(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real `accord` command in a subprocess, on the test database."""
    return subprocess.run(
        [sys.executable, "-m", "registry.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture
async def clean_lists(database: str) -> AsyncIterator[None]:
    """No stored list version before and after the test: the suite shares one
    database (and one live server) and screening must fail closed elsewhere."""
    from screening import store

    await store.delete_all()
    yield
    await store.delete_all()
