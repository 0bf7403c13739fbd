from django.urls import URLPattern, URLResolver, path

from groundswell.api.api import api


def _one_pattern_per_path(
    patterns: list[URLResolver | URLPattern],
) -> list[URLResolver | URLPattern]:
    """django-ninja adds one pattern per operation, so a path with GET and POST has two that
    dispatch to the same view; the second can never match (tests/test_url_patterns.py)."""
    seen: set[str] = set()
    unique = []
    for pattern in patterns:
        if str(pattern.pattern) not in seen:
            seen.add(str(pattern.pattern))
            unique.append(pattern)
    return unique


_patterns, _app_name, _namespace = api.urls
urlpatterns = [path("api/v1/", (_one_pattern_per_path(_patterns), _app_name, _namespace))]
