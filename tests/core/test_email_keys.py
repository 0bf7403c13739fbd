import pytest

from groundswell.core.email_keys import email_key


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("Ada@Example.org", "ada@example.org"),
        ("ada+petitions@example.org", "ada@example.org"),
        ("a.da@example.org", "a.da@example.org"),
        ("A.Da+x@gmail.com", "ada@gmail.com"),
        ("a.d.a@googlemail.com", "ada@gmail.com"),
        ("  ada@example.org ", "ada@example.org"),
    ],
)
def test_it_normalizes_addresses_to_one_key_per_person(address: str, key: str) -> None:
    assert email_key(address) == key
