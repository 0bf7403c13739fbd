"""Which address a request comes from, behind zero, one or several trusted proxies."""

import ipaddress

import pytest
from django.test import RequestFactory

from groundswell.core.http import client_address


def networks(*items):
    return tuple(ipaddress.ip_network(item) for item in items)


def request_from(peer, forwarded_for=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().post("/p/x/sign/", **extra)


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = networks("127.0.0.1", "::1")


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = ()

    assert client_address(request_from("127.0.0.1", "198.51.100.7")) == "127.0.0.1"


def test_the_header_of_an_untrusted_peer_is_ignored(behind_nginx):
    assert client_address(request_from("203.0.113.5", "198.51.100.7")) == "203.0.113.5"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended(behind_nginx):
    assert client_address(request_from("127.0.0.1", "198.51.100.7")) == "198.51.100.7"


def test_a_spoofed_left_most_entry_is_not_taken(behind_nginx):
    request = request_from("127.0.0.1", "203.0.113.99, 10.0.0.1, 198.51.100.7")

    assert client_address(request) == "198.51.100.7"


def test_trusted_proxies_are_skipped_from_the_right(settings):
    settings.TRUSTED_PROXIES = networks("127.0.0.1", "10.0.0.0/8")
    request = request_from("127.0.0.1", "203.0.113.99, 198.51.100.7, 10.1.2.3, 10.0.0.2")

    assert client_address(request) == "198.51.100.7"


def test_ipv6_clients_and_proxies(settings):
    settings.TRUSTED_PROXIES = networks("::1", "2001:db8:ffff::/48")
    request = request_from("::1", "2001:db8:1::5, 2001:db8:ffff::2")

    assert client_address(request) == "2001:db8:1::5"


def test_ipv4_mapped_addresses_are_their_ipv4_address(behind_nginx):
    assert client_address(request_from("::ffff:127.0.0.1", "::ffff:198.51.100.7")) == (
        "198.51.100.7"
    )


@pytest.mark.parametrize(
    ("entry", "client"),
    [
        ("198.51.100.7:51234", "198.51.100.7"),
        ("[2001:db8::5]:443", "2001:db8::5"),
        ("[2001:db8::5]", "2001:db8::5"),
    ],
)
def test_an_address_with_a_port_is_its_address(behind_nginx, entry, client):
    assert client_address(request_from("127.0.0.1", entry)) == client


def test_a_request_from_the_proxy_itself_is_the_proxy(behind_nginx):
    assert client_address(request_from("127.0.0.1")) == "127.0.0.1"
    assert client_address(request_from("127.0.0.1", "")) == "127.0.0.1"
    assert client_address(request_from("127.0.0.1", "::1, 127.0.0.1")) == "::1"


@pytest.mark.parametrize("junk", ["unknown", "", "198.51.100.7 evil", "_hidden", "1.2.3.4.5"])
def test_a_malformed_entry_ends_the_walk_at_the_last_address_a_proxy_vouched_for(settings, junk):
    settings.TRUSTED_PROXIES = networks("127.0.0.1", "10.0.0.0/8")
    # A client inside a trusted network sending junk gets its own address, not a chosen one
    # and not the proxy's, which every other client shares.
    request = request_from("127.0.0.1", f"198.51.100.99, {junk}, 10.1.2.3")

    assert client_address(request) == "10.1.2.3"


def test_junk_in_the_client_supplied_part_does_not_matter(behind_nginx):
    request = request_from("127.0.0.1", "not an address, 198.51.100.7")

    assert client_address(request) == "198.51.100.7"


def test_a_peer_that_is_not_an_address_is_taken_as_it_is(behind_nginx):
    assert client_address(request_from("unix:", "198.51.100.7")) == "unix:"
