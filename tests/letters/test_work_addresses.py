"""What is kept of a work address, and which domains a category allows."""

import pytest

from groundswell.letters.search import prefix_upper_bound, search_query_words, search_terms
from groundswell.letters.work_addresses import (
    domain_allowed,
    domain_rule_normalize,
    work_address_domain,
    work_address_hash,
    work_address_normalize,
)


def test_an_address_is_normalised_before_hashing():
    assert work_address_normalize(" Ada.L+letters@NorthWind.Example. ") == "ada.l@northwind.example"
    assert work_address_hash("ADA+x@northwind.example") == work_address_hash(
        "ada@northwind.example"
    )
    assert work_address_hash("ada@northwind.example") != work_address_hash("bob@northwind.example")
    assert len(work_address_hash("ada@northwind.example")) == 64


def test_the_hash_depends_on_the_secret_key(settings):
    before = work_address_hash("ada@northwind.example")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"

    assert work_address_hash("ada@northwind.example") != before


def test_international_domains_are_compared_in_ascii():
    assert work_address_domain("ana@Bücher.example") == "xn--bcher-kva.example"
    assert domain_allowed("xn--bcher-kva.example", [domain_rule_normalize("bücher.example")])


@pytest.mark.parametrize(
    ("domain", "rules", "allowed"),
    [
        ("northwind.example", ["northwind.example"], True),
        ("eng.northwind.example", ["northwind.example"], True),
        ("evilnorthwind.example", ["northwind.example"], False),
        ("northwind.example.evil", ["northwind.example"], False),
        ("lakeside.edu", [".edu"], True),
        ("cs.lakeside.edu", [".edu"], True),
        ("edu", [".edu"], False),
        ("lakeside.education", [".edu"], False),
        ("gmail.com", [".edu", "northwind.example"], False),
        ("anything.example", [], False),
    ],
)
def test_domain_rules(domain, rules, allowed):
    assert domain_allowed(domain, rules) is allowed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("*.EDU", ".edu"), (".ac.uk", ".ac.uk"), ("NorthWind.example", "northwind.example")],
)
def test_rules_are_stored_normalised(typed, stored):
    assert domain_rule_normalize(typed) == stored


@pytest.mark.parametrize("typed", ["", "a b", "x@y.example", "-bad.example", "..edu", "a..b"])
def test_malformed_rules_are_refused(typed):
    with pytest.raises(ValueError):
        domain_rule_normalize(typed)


def test_search_words_are_folded_so_accents_and_case_do_not_matter():
    assert search_terms("Tomás GARCÍA-López", "Ünïversity of Zürich") == {
        "tomas", "garcia", "lopez", "university", "of", "zurich",
    }  # fmt: skip
    assert search_query_words("  Garcia   t  ") == ["garcia", "t"]
    assert search_query_words("a b c d e f") == ["a", "b", "c", "d"]
    assert prefix_upper_bound("gar") == "gas"
