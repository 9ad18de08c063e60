import pytest

from tenants.errors import InvalidInput
from tenants.validation import check_country, check_email, check_slug, check_time_zone


@pytest.mark.parametrize("slug", ["alia", "aasw", "iln-2026", "a", "a1"])
def test_good_slugs(slug):
    assert check_slug(slug) == slug


@pytest.mark.parametrize(
    "slug", ["", "ALIA", "-x", "x-", "a--b", "has space", "é", "x" * 64, "api"]
)
def test_bad_slugs_name_the_field(slug):
    with pytest.raises(InvalidInput) as caught:
        check_slug(slug)
    assert caught.value.field == "slug"


def test_countries_are_iso_3166():
    assert check_country("au") == "AU"
    assert check_country("FJI") == "FJ"
    for bad in ("XX", "", "Australia", "UK"):
        with pytest.raises(InvalidInput, match="not an ISO 3166-1 country code"):
            check_country(bad)


def test_time_zone_and_email():
    assert check_time_zone("Australia/Sydney") == "Australia/Sydney"
    with pytest.raises(InvalidInput):
        check_time_zone("Australia/Atlantis")
    assert check_email(" Admin@ALIA.example ") == "admin@alia.example"
    with pytest.raises(InvalidInput):
        check_email("not-an-address")
