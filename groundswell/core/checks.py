from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

INSECURE_KEY_PREFIX = "insecure-"


@register()
def secret_key_is_set(app_configs: object, **kwargs: object) -> list[Error]:
    if settings.DEBUG or not settings.SECRET_KEY.startswith(INSECURE_KEY_PREFIX):
        return []
    return [
        Error(
            "SECRET_KEY is not set.",
            hint="Set the SECRET_KEY environment variable (50+ random characters) or DEBUG=1.",
            id="groundswell.E001",
        )
    ]


@register()
def base_url_is_absolute(app_configs: object, **kwargs: object) -> list[Error]:
    if settings.GROUNDSWELL_BASE_URL.startswith(("http://", "https://")):
        return []
    return [
        Error(
            "GROUNDSWELL_BASE_URL must start with http:// or https://.",
            hint="It is used in links sent by e-mail, e.g. https://sign.example.org",
            id="groundswell.E002",
        )
    ]


@register(Tags.security, deploy=True)
def proxies_are_trusted_behind_a_proxy(app_configs: object, **kwargs: object) -> list[Warning]:
    if settings.SECURE_PROXY_SSL_HEADER is None or settings.TRUSTED_PROXIES:
        return []
    return [
        Warning(
            "BEHIND_TLS_PROXY is on but TRUSTED_PROXIES is empty: every client seems to come "
            "from the proxy, so all signers share one signing rate limit.",
            hint="Set TRUSTED_PROXIES to the proxy's addresses, e.g. 127.0.0.1,::1 for nginx on "
            "the same host (see docs/deployment.md).",
            id="groundswell.W001",
        )
    ]
