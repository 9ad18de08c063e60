"""A list file that names one entity twice, or that is not of the source it is
imported as, is refused naming the file and what is wrong, and nothing is stored."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest

from screening import store
from screening.model import ListFormatError
from screening.parsers import parse_list

from .conftest import DFAT_2026, FTM_T1, OFAC_SDN, UN_2024, accord


def _un_with_repeats(tmp_path, times: dict[str, int]):
    """The 2024 UN list with the first INDIVIDUAL and ENTITY blocks repeated."""
    text = UN_2024.read_text(encoding="utf-8")
    for tag, n in times.items():
        block = re.search(rf"<{tag}>.*?</{tag}>", text, re.S)
        assert block is not None
        text = text.replace(block.group(0), block.group(0) * n, 1)
    path = tmp_path / "consolidated.xml"
    path.write_text(text, encoding="utf-8")
    return path


def _ref_of_first(tag: str) -> str:
    block = re.search(rf"<{tag}>.*?</{tag}>", UN_2024.read_text(encoding="utf-8"), re.S)
    assert block is not None
    ref = re.search(r"<REFERENCE_NUMBER>(.*?)</REFERENCE_NUMBER>", block.group(0))
    assert ref is not None
    return ref.group(1).strip()


def test_un_file_naming_entities_twice_is_refused_with_their_references(tmp_path):
    path = _un_with_repeats(tmp_path, {"INDIVIDUAL": 31, "ENTITY": 2})
    with pytest.raises(ListFormatError) as refused:
        parse_list("un", path)
    person, organisation = _ref_of_first("INDIVIDUAL"), _ref_of_first("ENTITY")
    assert refused.value.file == str(path)
    assert f"{person} (31 times)" in refused.value.problem
    assert f"{organisation} (2 times)" in refused.value.problem


def test_ftm_ids_repeated_are_named_first_few_then_counted(tmp_path):
    lines = [
        json.dumps({"id": f"e-{n}", "schema": "Person", "properties": {"name": [f"Person {n}"]}})
        for n in range(8)
    ]
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(lines + lines[:7]) + "\n")
    with pytest.raises(ListFormatError) as refused:
        parse_list("ftm", path)
    problem = refused.value.problem
    assert "e-0 (2 times), e-1 (2 times)" in problem
    assert "and 2 more (7 references repeated)" in problem
    assert "e-7" not in problem


def test_ofac_ent_num_repeated_is_refused(tmp_path):
    rows = OFAC_SDN[0].read_bytes().splitlines(keepends=True)[:3]
    main = tmp_path / "sdn.csv"
    main.write_bytes(b"".join([*rows, rows[1]]))
    ent_num = rows[1].split(b",")[0].decode()
    with pytest.raises(ListFormatError, match=rf"duplicate entities: {ent_num} \(2 times\)"):
        parse_list("ofac", [main])


def test_dfat_listing_repeated_is_refused(tmp_path):
    header = ["Reference", "Name of Individual or Entity", "Type", "Name Type", "Committees"]
    listing = [
        [7, "JOHN DOE", "Individual", "Primary Name", "1267"],
        ["7a", "JOHNNY DOE", "Individual", "Alias", "1267"],
    ]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [header, *listing, [8, "ACME LTD", "Entity", "Primary Name", "1267"], *listing]:
        sheet.append(row)
    path = tmp_path / "dfat.xlsx"
    workbook.save(path)
    with pytest.raises(ListFormatError, match=r"duplicate entities: 7 \(2 times\);"):
        parse_list("dfat", path)
    # The listing's own rows (a primary name and its alias) are one entity, as before.
    workbook = openpyxl.Workbook()
    for row in [header, *listing]:
        workbook.active.append(row)
    workbook.save(path)
    assert [e.ref for e in parse_list("dfat", path).entities] == ["7"]


def _the_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


async def test_import_of_repeated_entities_stores_nothing(tmp_path, clean_lists):
    kept = accord("screening", "import", "--source", "ftm", str(FTM_T1))
    assert kept.returncode == 0, kept.stderr
    before = await store.list_versions()
    path = _un_with_repeats(tmp_path, {"INDIVIDUAL": 31})
    result = accord("screening", "import", "--source", "un", str(path))
    assert result.returncode == 1
    line = _the_line(result.stderr)
    assert "nothing stored" in line and str(path) in line
    assert f"{_ref_of_first('INDIVIDUAL')} (31 times)" in line
    assert await store.list_versions() == before


@pytest.mark.parametrize(
    ("source", "wrong"),
    [("dfat", UN_2024), ("un", DFAT_2026), ("ofac", UN_2024), ("ftm", DFAT_2026)],
    ids=["dfat-given-un", "un-given-dfat", "ofac-given-un", "ftm-given-dfat"],
)
async def test_a_file_of_another_source_is_refused_in_one_line(source, wrong, clean_lists):
    result = accord("screening", "import", "--source", source, str(wrong))
    assert result.returncode == 1
    line = _the_line(result.stderr)
    assert line.startswith("Error: import refused, nothing stored: ") and str(wrong) in line
    assert await store.list_versions() == []


def test_screening_against_a_file_of_another_source_is_one_line():
    result = accord("screening", "check", "Anybody", "--list", f"dfat:{UN_2024}")
    assert result.returncode == 1
    assert "not a readable XLSX file" in _the_line(result.stderr)
