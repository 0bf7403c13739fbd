"""No URL depends on the order of the URL patterns: no path can be matched by two of them.

Every pattern of the URLconf (but the Django admin's, which is Django's own) is tried with
sample paths: each of its parameters in turn takes every fixed word used anywhere in the
URLconf ("new", "edit", "delivery", ...) and a few ordinary values, the others an ordinary
value. Each sample path that its own pattern matches must be matched by no other pattern.
"""

import itertools
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
ORDINARY = {"slug": "some-name", "int": "12", "str": "some-token", "path": "some/path"}
EXTRA_SAMPLES = ["some-name", "12", "x", "new"]
SKIPPED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    route: str  # the whole route, "<converter:name>" for parameters; "" for regex patterns
    regex: re.Pattern[str]


def endpoints() -> list[Endpoint]:
    found = []

    def walk(patterns: list[object], route: str, regex: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(
                    pattern.url_patterns,
                    route + _route(pattern.pattern),
                    regex + _regex(pattern.pattern),
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif isinstance(pattern, URLPattern):
                found.append(
                    Endpoint(
                        name=f"{namespace}{pattern.name or pattern.lookup_str}",
                        route=route + _route(pattern.pattern)
                        if isinstance(pattern.pattern, RoutePattern)
                        else "",
                        regex=re.compile(regex + _regex(pattern.pattern)),
                    )
                )

    walk(get_resolver().url_patterns, "", "", "")
    return found


def _route(pattern: object) -> str:
    return str(pattern) if isinstance(pattern, RoutePattern) else ""


def _regex(pattern: RoutePattern | RegexPattern) -> str:
    text = pattern.regex.pattern
    return text.removeprefix("^").removesuffix(r"\Z").removesuffix("$")


def fixed_words(all_endpoints: list[Endpoint]) -> set[str]:
    words = set()
    for endpoint in all_endpoints:
        for part in re.split(r"[/.]", PARAMETER.sub("", endpoint.route)):
            if part:
                words.add(part)
    return words


def sample_paths(endpoint: Endpoint, words: set[str]) -> list[str]:
    parameters = list(PARAMETER.finditer(endpoint.route))
    ordinary = [ORDINARY.get(match["converter"] or "str", "some-name") for match in parameters]
    samples = {_fill(endpoint.route, parameters, ordinary)}
    for position, candidate in itertools.product(
        range(len(parameters)), sorted(words) + EXTRA_SAMPLES
    ):
        values = list(ordinary)
        values[position] = candidate
        samples.add(_fill(endpoint.route, parameters, values))
    return sorted(samples)


def _fill(route: str, parameters: list[re.Match[str]], values: list[str]) -> str:
    pieces, last = [], 0
    for match, value in zip(parameters, values, strict=True):
        pieces += [route[last : match.start()], value]
        last = match.end()
    return "".join([*pieces, route[last:]])


def test_the_walk_sees_the_whole_urlconf():
    names = {endpoint.name for endpoint in endpoints()}
    assert {"campaigns:petition", "organizer:campaign_action", "organizer:letter"} <= names
    assert {"transparency:receipt", "delivery:delivery", "letters:letter", "login"} <= names


def test_no_path_matches_two_url_patterns():
    all_endpoints = endpoints()
    words = fixed_words(all_endpoints)
    overlaps = set()
    for endpoint in all_endpoints:
        for path in sample_paths(endpoint, words):
            if not endpoint.regex.fullmatch(path):
                continue  # a value its converter refuses
            others = [
                other.name
                for other in all_endpoints
                if other is not endpoint and other.regex.fullmatch(path)
            ]
            if others:
                overlaps.add((path, endpoint.name, *sorted(others)))
    assert sorted(overlaps) == []


def test_a_word_after_a_campaign_or_letter_is_a_transition_unless_a_page_has_it():
    """Unknown words still reach the transition views (which refuse them with a message); the
    words of other pages never do."""
    from django.urls import resolve

    assert resolve("/organizer/campaigns/some-name/close/").url_name == "campaign_action"
    assert resolve("/organizer/campaigns/some-name/explode/").url_name == "campaign_action"
    assert resolve("/organizer/campaigns/some-name/edit/").url_name == "campaign_edit"
    assert resolve("/organizer/campaigns/some-name/delivery/").url_name == "delivery_overview"
    assert resolve("/organizer/campaigns/new/").url_name == "campaign_new"
    assert resolve("/organizer/campaigns/news/").url_name == "campaign"
    assert resolve("/organizer/letters/some-name/publish/").url_name == "letter_action"
    assert resolve("/organizer/letters/some-name/recount/").url_name == "letter_recount"
    assert resolve("/organizer/letters/new/").url_name == "letter_new"
    assert resolve("/organizer/letters/some-name/categories/new/").url_name == (
        "letter_category_new"
    )
