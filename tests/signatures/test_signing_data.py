"""The signing view checks a submission without building a form; it must judge exactly as the
form the signer sees would, valid or not, field by field."""

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.accounts.models import Organization
from groundswell.coalitions.models import Partner
from groundswell.signatures.forms import (
    SignatureForm,
    consent_field_names,
    consents_from,
    signature_data_clean,
)

HOST = Organization(pk=1, name="Host Org", slug="host")
PARTNER = Partner(pk=2, slug="ally", organization=Organization(pk=3, name="Ally", slug="ally"))

# Values near every rule: empty, blank, too long, markup, control characters, case, bad codes.
TEXTS = st.sampled_from(
    [
        "", " ", "Ada Lovelace", "  Ada   Lovelace ", "a" * 120, "a" * 121, "<b>Ada</b>",
        "3 < 4", "bad\x01char", "null\x00char", "ada@example.org", " ADA@Example.org ",
        "not-an-address", "a@b", "x" * 250 + "@example.org", "us", "US", "ZZ", "USA",
        "10001", "sw1a 1aa", "10001!", "1" * 17, "true", "false", "on", "0", "1", "2",
        "newsletter", "bad code!", "c" * 501,
    ]
)  # fmt: skip
FIELDS = [
    "name", "email", "country", "postal_code", "comment", "comment_public", "show_name", "source",
    "partner",
    "embed", "text_version", "contact_host", "contact_partner",
]  # fmt: skip


def form_verdict(data: QueryDict, partner: Partner | None) -> tuple[dict, dict]:
    form = SignatureForm(data, host=HOST, partner=partner)
    form.is_valid()
    found = form.errors.as_data()
    errors = {name: [error.message for error in found[name]] for name in found}
    return form.cleaned_data, errors


def function_verdict(data: QueryDict, partner: Partner | None) -> tuple[dict, dict]:
    cleaned, errors = signature_data_clean(data, consent_fields=consent_field_names(partner))
    return cleaned, {name: [e.message for e in error.error_list] for name, error in errors.items()}


@settings(max_examples=300, deadline=None)
@given(values=st.dictionaries(st.sampled_from(FIELDS), TEXTS), with_partner=st.booleans())
def test_the_view_and_the_form_agree_on_every_submission(values, with_partner):
    data = QueryDict(mutable=True)
    data.update(values)
    partner = PARTNER if with_partner else None

    assert function_verdict(data, partner) == form_verdict(data, partner)


def test_a_typical_signature_is_cleaned_as_the_form_cleans_it():
    data = QueryDict(
        "name=+Ada++Lovelace&email=Ada%40Example.org&country=gb&postal_code=sw1a+1aa"
        "&show_name=on&contact_host=on&contact_partner=on&source=newsletter&text_version=3"
    )

    cleaned, errors = signature_data_clean(data, consent_fields=consent_field_names(PARTNER))

    assert errors == {}
    assert cleaned["name"] == "Ada Lovelace"
    assert cleaned["country"] == "GB"
    assert cleaned["postal_code"] == "SW1A 1AA"
    assert cleaned["show_name"] is True
    assert cleaned["text_version"] == 3
    consents = consents_from(cleaned, host=HOST, partner_organization=PARTNER.organization)
    assert [consent.organization_id for consent in consents] == [1, 3]
    form = SignatureForm(data, host=HOST, partner=PARTNER)
    assert form.is_valid()
    assert consents == form.consents_given()


@pytest.mark.parametrize("field", ["contact_host", "contact_partner"])
def test_consent_is_never_assumed(field):
    cleaned, _errors = signature_data_clean(
        QueryDict("name=Ada&email=ada%40example.org&country=GB"),
        consent_fields=consent_field_names(PARTNER),
    )

    assert cleaned[field] is False
    assert consents_from(cleaned, host=HOST, partner_organization=PARTNER.organization) == []
