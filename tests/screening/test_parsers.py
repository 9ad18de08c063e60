"""Each parser on the real publications, and malformed input."""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pytest

from screening.model import ListFormatError
from screening.parsers import parse_dfat, parse_ftm, parse_list, parse_ofac, parse_un
from tests.shared_data import SANCTIONS

from .conftest import DFAT_2026, OFAC_SDN, UN_2026


def by_ref(version, ref):
    return next(e for e in version.entities if e.ref == ref)


# -- UN ------------------------------------------------------------------------------


def test_un_2026_counts_and_version(un_2026):
    assert un_2026.counts() == {"person": 730, "organization": 273}
    assert un_2026.source == "un"
    assert un_2026.published == dt.date(2026, 2, 27)
    assert un_2026.sha256 == hashlib.sha256(UN_2026.read_bytes()).hexdigest()
    assert un_2026.version_id.startswith("un@2026-02-27#")


def test_un_2024_counts(un_2024):
    assert un_2024.counts() == {"person": 686, "organization": 193}
    assert un_2024.published == dt.date(2024, 11, 30)


def test_un_names_kinds_and_strengths(un_2026):
    names = [n for e in un_2026.entities for n in e.names]
    assert all(n.value.strip() for n in names), "empty alias placeholders are skipped"
    assert {n.strength for n in names if n.quality == "Low"} == {"weak"}
    assert {n.kind for n in names if n.quality == "f.k.a."} == {"fka"}
    assert sum(1 for n in names if n.kind == "original_script") == 336 + 42
    adf = by_ref(un_2026, "CDe.001")
    assert adf.schema == "organization"
    assert [n.value for n in adf.names][:2] == ["ADF", "Allied Democratic Forces"]
    assert adf.countries == ["CD"]
    assert adf.programs == ["DRC"]
    assert adf.listed_on == dt.date(2014, 6, 30)


def test_un_dates_of_birth_with_precision(un_2026):
    precisions = {b.precision for e in un_2026.entities for b in e.birth_dates}
    assert {"day", "year", "range"} <= precisions
    badege = by_ref(un_2026, "CDi.001")
    assert [str(b) for b in badege.birth_dates] == ["1971"]
    assert badege.nationalities == ["CD"]
    ranges = [b for e in un_2026.entities for b in e.birth_dates if b.precision == "range"]
    assert all(b.year_from < b.year_to for b in ranges)


def test_un_nationalities_resolve_to_iso(un_2026):
    codes = {c for e in un_2026.entities for c in e.nationalities}
    assert {"AF", "IQ", "KP", "GB", "IR", "RU", "TR", "PS"} <= codes
    assert all(len(c) == 2 and c.isupper() for c in codes)


# -- DFAT ----------------------------------------------------------------------------


def test_dfat_2026_current_layout(dfat_2026):
    assert len(dfat_2026.entities) == 3811
    assert dfat_2026.counts() == {"person": 2518, "organization": 1031, "vessel": 262}
    rows = sum(len(e.names) for e in dfat_2026.entities)
    assert 10_900 < rows <= 10_976  # one row per name, exact duplicates folded
    akhund = by_ref(dfat_2026, "2")
    assert akhund.names[0].value == "MOHAMMAD HASSAN AKHUND"
    assert akhund.names[1].kind == "original_script"
    assert akhund.programs == ["1988 (Taliban)"]
    assert akhund.nationalities == ["AF"]
    assert len(akhund.birth_dates) == 10
    soleimani = by_ref(dfat_2026, "8490")
    weak = [n.value for n in soleimani.names if n.strength == "weak"]
    assert weak == ["Haj Qasem", "Haji Qassem", "Sardar Soleimani"]
    vessels = [e for e in dfat_2026.entities if e.schema == "vessel"]
    with_imo = [v for v in vessels if any(i.type == "IMO" for i in v.identifiers)]
    assert len(with_imo) >= 260  # 261 rows carry an IMO number


def test_dfat_orphan_alias_becomes_the_name(dfat_2026):
    # 8495b is published without its primary row
    orphan = by_ref(dfat_2026, "8495")
    assert orphan.names[0].kind == "primary"
    assert orphan.names[0].value == "Yahya Husseini Panjaki"


def test_dfat_2024_older_layout_with_messy_values(dfat_2024):
    assert len(dfat_2024.entities) == 3062
    assert set(dfat_2024.counts()) == {"person", "organization"}
    kinds = {n.kind for e in dfat_2024.entities for n in e.names}
    assert kinds == {"primary", "alias", "original_script", "fka"}
    # demonyms ("Iraqi", "Russian and Ukrainian") resolve to countries
    codes = {c for e in dfat_2024.entities for c in e.nationalities}
    assert {"IQ", "RU", "UA", "SY", "PH"} <= codes
    # "34c1"-style references fold into their listing
    assert by_ref(dfat_2024, "34").names


def test_dfat_published_is_latest_control_date(dfat_2026):
    assert dfat_2026.published == dt.date(2026, 2, 24)


# -- OFAC ----------------------------------------------------------------------------


def test_ofac_sdn_trio(ofac_sdn):
    # 8,977 lines = 8,976 records + the closing Ctrl-Z line
    assert len(ofac_sdn.entities) == 8976
    assert ofac_sdn.counts() == {"organization": 3673, "person": 4620, "vessel": 683}
    strong_aliases = sum(
        1
        for e in ofac_sdn.entities
        for n in e.names
        if n.kind != "primary" and n.strength == "strong"
    )
    assert strong_aliases == 11_910 - 2  # the alt file, less two repeated names
    bnc = by_ref(ofac_sdn, "306")
    assert bnc.names[0].value == "BANCO NACIONAL DE CUBA"
    assert any(n.value == "BNC" and n.strength == "weak" for n in bnc.names)
    assert {"CH", "ES"} <= set(bnc.countries) and bnc.programs == ["CUBA"]
    nembhard = by_ref(ofac_sdn, "8239")
    assert nembhard.names[0].value == "Norris NEMBHARD"  # LAST, First turned round
    assert [str(b) for b in nembhard.birth_dates] == ["1952-01-05", "1951-01-05", "1954-05-12"]
    assert ofac_sdn.published == dt.date(2021, 7, 1)


def test_ofac_non_sdn(ofac_cons):
    assert len(ofac_cons.entities) == 442
    haniya = by_ref(ofac_cons, "9639")
    assert haniya.names[0].value == "Ismail Abdul Salah HANIYA"
    assert haniya.programs == ["NS-PLC"]
    assert [str(b) for b in haniya.birth_dates] == ["1962"]


# -- FollowTheMoney ------------------------------------------------------------------


def test_ftm_json_lines():
    t1 = parse_ftm(SANCTIONS / "ftm" / "t1_entities.ftm.json")
    assert t1.counts() == {"organization": 2, "person": 4}
    zala = parse_list("ftm", SANCTIONS / "ftm" / "zala_entities.ftm.json")
    assert zala.counts() == {"person": 6, "organization": 11}
    assert any(e.programs for e in zala.entities), "Sanction objects add programmes"
    person = next(e for e in t1.entities if e.schema == "person" and e.birth_dates)
    assert any(n.kind == "alias" for n in person.names)


# -- malformed input -----------------------------------------------------------------


def test_un_truncated_xml(tmp_path):
    bad = tmp_path / "un.xml"
    bad.write_bytes(UN_2026.read_bytes()[:5000])
    with pytest.raises(ListFormatError) as err:
        parse_un(bad)
    assert err.value.file == str(bad)
    assert err.value.record.startswith("line ")
    assert "not well-formed" in err.value.problem


def test_un_record_without_reference(tmp_path):
    bad = tmp_path / "un.xml"
    bad.write_text(
        '<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>'
        "<DATAID>42</DATAID><FIRST_NAME>X</FIRST_NAME></INDIVIDUAL></INDIVIDUALS>"
        "</CONSOLIDATED_LIST>"
    )
    with pytest.raises(ListFormatError, match=r"DATAID 42.*REFERENCE_NUMBER"):
        parse_un(bad)


def test_un_wrong_root(tmp_path):
    bad = tmp_path / "un.xml"
    bad.write_text("<sdnList/>")
    with pytest.raises(ListFormatError, match="CONSOLIDATED_LIST"):
        parse_un(bad)


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_dfat_bad_header(tmp_path):
    path = _xlsx(tmp_path / "d.xlsx", [["Ref", "Name"], [1, "X"]])
    with pytest.raises(ListFormatError, match="row 1: header lacks"):
        parse_dfat(path)


def test_dfat_unknown_name_type(tmp_path):
    header = ["Reference", "Name of Individual or Entity", "Type", "Name Type", "Committees"]
    path = _xlsx(tmp_path / "d.xlsx", [header, [7, "JOHN DOE", "Individual", "Nickname", "X"]])
    with pytest.raises(ListFormatError) as err:
        parse_dfat(path)
    assert err.value.record == "row 2 (Reference 7)"
    assert "Name Type" in err.value.problem


def test_dfat_not_a_workbook(tmp_path):
    bad = tmp_path / "d.xlsx"
    bad.write_text("not a zip")
    with pytest.raises(ListFormatError, match="not a readable XLSX"):
        parse_dfat(bad)


def test_ofac_wrong_field_count(tmp_path):
    main = tmp_path / "sdn.csv"
    main.write_text('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\r\n')
    with pytest.raises(ListFormatError, match="line 1: expected 12 fields, found 4"):
        parse_ofac(main)


def test_ofac_alias_of_unknown_entity(tmp_path):
    main = tmp_path / "sdn.csv"
    main.write_bytes(OFAC_SDN[0].read_bytes().splitlines(keepends=True)[0])
    alt = tmp_path / "alt.csv"
    alt.write_text('999999,1,"aka","NOBODY",-0- \r\n')
    with pytest.raises(ListFormatError, match="unknown ent_num '999999'"):
        parse_ofac(main, alt)


def test_ftm_invalid_line(tmp_path):
    bad = tmp_path / "x.ftm.json"
    bad.write_text('{"id": "a", "schema": "Person", "properties": {"name": ["A B"]}}\n{oops\n')
    with pytest.raises(ListFormatError, match="line 2: invalid JSON"):
        parse_ftm(bad)


def test_missing_file_and_unknown_source(tmp_path):
    with pytest.raises(ListFormatError, match="no such file"):
        parse_list("un", tmp_path / "absent.xml")
    with pytest.raises(ValueError, match="unknown list source"):
        parse_list("eu", DFAT_2026)


def test_un_refuses_entity_expansion(tmp_path):
    bad = tmp_path / "un.xml"
    bad.write_text(
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        "<CONSOLIDATED_LIST>&b;</CONSOLIDATED_LIST>"
    )
    with pytest.raises(ListFormatError, match="unsafe XML"):
        parse_un(bad)
