from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from groundswell.core.readiness import readiness_report


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches neither database nor cache."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer: 503 while the database, cache or broker is unreachable."""
    ready, report = readiness_report()
    return JsonResponse({"ready": ready, "checks": report}, status=200 if ready else 503)
