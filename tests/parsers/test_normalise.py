"""State Parties, phones and emails."""

from __future__ import annotations

import csv

import pytest

from parsers.normalise import STATES_FILE, clean_phone, find_emails, lookup_state_party

REGIONS = {
    "Africa",
    "Asia",
    "Eastern Europe",
    "Latin America and the Caribbean",
    "Western European and Other States",
}


def test_the_list_holds_the_193_states_parties():
    with STATES_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 193
    assert len({row["code"] for row in rows}) == 193
    assert {row["region"] for row in rows} == REGIONS
    codes = {row["code"] for row in rows}
    assert {"EGY", "ISR", "PRK", "SSD"}.isdisjoint(codes)  # not parties to the Convention
    assert {"COK", "NIU", "PSE", "VAT"} <= codes  # parties that are not UN members


@pytest.mark.parametrize(
    ("name", "code", "region"),
    [
        ("Kenya", "KEN", "Africa"),
        ("Republic of Kenya", "KEN", "Africa"),
        ("KENYA (Republic of)", "KEN", "Africa"),
        ("United Mexican States", "MEX", "Latin America and the Caribbean"),
        ("Mexique", "MEX", "Latin America and the Caribbean"),
        ("Czech Republic", "CZE", "Eastern Europe"),
        ("Papua New Guinea", "PNG", "Asia"),
        ("République de Corée", "KOR", "Asia"),
        ("Argelia", "DZA", "Africa"),
        ("The Bahamas", "BHS", "Latin America and the Caribbean"),
        ("Democratic Republic of the Congo", "COD", "Africa"),
        ("Republic of the Congo", "COG", "Africa"),
        ("Turkey", "TUR", "Western European and Other States"),
        ("Bulgria", "BGR", "Eastern Europe"),
    ],
)
def test_lookup_state_party(name, code, region):
    party = lookup_state_party(name)
    assert party is not None and (party.code, party.region) == (code, region)


@pytest.mark.parametrize("name", ["Israel", "Egypt", "Narnia", "", "   ", "Korea"])
def test_names_of_no_state_party(name):
    assert lookup_state_party(name) is None


def test_emails_split_normalised_and_kept_when_invalid():
    found = find_emails("a.b@Example.ORG / c@d.fr; mailto:a.b@example.org, broken@")
    assert found == ["a.b@example.org", "c@d.fr"]
    assert find_emails("x@y") == ["x@y"]  # kept so that the rules can flag it


def test_phone_label_removed_digits_kept():
    assert clean_phone("Tel.: +1 242-517-8514") == "+1 242-517-8514"
    assert clean_phone("00269 93 690 05 36") == "00269 93 690 05 36"
    assert clean_phone("  ") is None
