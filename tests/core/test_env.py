import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured

from groundswell.core.env import email_settings_from_url, env_bool, env_int, env_networks


def test_smtp_urls_become_django_settings():
    settings = email_settings_from_url(
        "smtp+tls://me%40x.org:p%40ss@mail.example.org:587?from=a@b.org"
    )

    assert settings["EMAIL_HOST"] == "mail.example.org"
    assert settings["EMAIL_PORT"] == 587
    assert settings["EMAIL_HOST_USER"] == "me@x.org"
    assert settings["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert settings["EMAIL_USE_TLS"] is True
    assert settings["DEFAULT_FROM_EMAIL"] == "a@b.org"


def test_console_url_prints_mail():
    assert email_settings_from_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize(
    "url",
    ["ftp://x", "smtp://", "smtp://host:notaport", "smtp://host?timeout=²", "smtp://h?timeout=x"],
)
def test_bad_email_urls_fail_loudly(url):
    with pytest.raises(ImproperlyConfigured):
        email_settings_from_url(url)


def test_bad_booleans_and_integers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


def test_the_secret_key_check_refuses_production_without_a_key(settings):
    from groundswell.core.checks import secret_key_is_set

    settings.DEBUG = False
    settings.SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    assert [error.id for error in secret_key_is_set(None)] == ["groundswell.E001"]
    settings.SECRET_KEY = "x" * 50
    assert secret_key_is_set(None) == []


def test_trusted_proxies_are_addresses_and_networks_of_both_families(monkeypatch):
    monkeypatch.setenv("X_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,::1,2001:db8::/32,")

    assert env_networks("X_PROXIES") == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
        ipaddress.ip_network("2001:db8::/32"),
    )


def test_no_trusted_proxies_by_default(monkeypatch):
    monkeypatch.delenv("X_PROXIES", raising=False)
    assert env_networks("X_PROXIES") == ()
    monkeypatch.setenv("X_PROXIES", "")
    assert env_networks("X_PROXIES") == ()


@pytest.mark.parametrize(
    "value", ["nginx", "10.0.0.1/8", "10.0.0.0/33", "300.1.1.1", "[::1]", "10.0.0.0/8;127.0.0.1"]
)
def test_bad_trusted_proxies_stop_start_up_with_the_variable_name(monkeypatch, value):
    monkeypatch.setenv("X_PROXIES", value)
    with pytest.raises(ImproperlyConfigured, match="X_PROXIES"):
        env_networks("X_PROXIES")


def test_a_bad_web_concurrency_stops_serve_with_the_variable_name(monkeypatch):
    from groundswell.core.management.commands.serve import Command

    monkeypatch.setenv("WEB_CONCURRENCY", "eight")
    with pytest.raises(ImproperlyConfigured, match="WEB_CONCURRENCY"):
        Command().create_parser("groundswell", "serve")
