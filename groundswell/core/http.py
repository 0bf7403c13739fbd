from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address to rate-limit on. Behind a proxy, set REMOTE_ADDR from it (e.g. gunicorn's
    --forwarded-allow-ips); we never trust a client-supplied X-Forwarded-For here."""
    return request.META.get("REMOTE_ADDR", "")
