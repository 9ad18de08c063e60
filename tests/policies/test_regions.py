"""The shipped UN M49 table: faithful to ISO 3166 and the UN groups."""

import pycountry

from policies.regions import area_of, m49_table, normalise_country, region_names


def test_every_row_agrees_with_iso_3166():
    for alpha2, area in m49_table().items():
        country = pycountry.countries.get(alpha_2=alpha2)
        assert country is not None, alpha2
        assert (country.alpha_3, int(country.numeric)) == (area.alpha3, int(area.m49)), alpha2


def test_the_table_covers_iso_3166_but_taiwan():
    missing = {c.alpha_2 for c in pycountry.countries} - set(m49_table())
    assert missing == {"TW"}


def test_group_sizes_match_the_un_overview():
    groups = [area.groups for area in m49_table().values()]
    assert sum("LDC" in g for g in groups) == 44
    assert sum("LLDC" in g for g in groups) == 32
    assert sum("SIDS" in g for g in groups) == 53


def test_known_placements():
    assert area_of("ID").sub_region == "South-eastern Asia"
    assert area_of("FJ").region == "Oceania" and area_of("FJ").sub_region == "Melanesia"
    assert area_of("KE").intermediate_region == "Eastern Africa"
    assert area_of("LA").groups == {"LDC", "LLDC"}
    assert area_of("BT").groups == {"LLDC"}  # graduated from LDC in 2023
    assert area_of("AQ").region == ""
    assert area_of("TW") is None
    assert {"Oceania", "Polynesia", "Sub-Saharan Africa", "Caribbean"} <= region_names()


def test_country_codes_in_any_iso_form():
    assert normalise_country("au") == "AU"
    assert normalise_country("AUS") == "AU"
    assert normalise_country("36") == "AU"
