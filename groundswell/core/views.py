from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches neither database nor cache."""
    return HttpResponse("ok", content_type="text/plain")
