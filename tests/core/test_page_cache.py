"""The public page cache under a spike: when a copy turns stale, one request renders the page
again while everyone else keeps getting the stale copy, instead of all rendering it at once."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from groundswell.core import page_cache
from groundswell.core.page_cache import RENDER_LOCK_SECONDS, STALE_SECONDS, cached_public_page


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(page_cache.time, "time", clock.time)
    return clock


@pytest.fixture
def page(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    renders: list[int] = []

    @cached_public_page(query=())
    def view(request):
        renders.append(1)
        return HttpResponse(f"render {len(renders)}")

    def get() -> str:
        return view(RequestFactory().get("/p/spike/")).content.decode()

    get.renders = renders  # type: ignore[attr-defined]
    return get


def test_a_fresh_copy_is_served_without_rendering(page, clock):
    assert page() == "render 1"
    clock.now += 4

    assert page() == "render 1"
    assert len(page.renders) == 1


def test_once_stale_one_request_renders_while_the_others_get_the_stale_copy(page, clock):
    page()
    clock.now += 6
    lock = page_cache._cache_key(RequestFactory().get("/p/spike/")) + ":render"
    # Another request is rendering the page: it holds the lock.
    assert cache.add(lock, 1, RENDER_LOCK_SECONDS)

    assert page() == "render 1"
    assert len(page.renders) == 1

    cache.delete(lock)  # that render finished (or its lock ran out)
    assert page() == "render 2"
    assert page() == "render 2"  # fresh again: nobody renders
    assert len(page.renders) == 2


def test_the_renderer_gives_the_lock_back_even_when_the_view_fails(settings, clock):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    failing = {"now": False}

    @cached_public_page(query=())
    def view(request):
        if failing["now"]:
            raise RuntimeError("database away")
        return HttpResponse("page")

    request = RequestFactory().get("/p/spike/")
    view(request)
    clock.now += 6
    failing["now"] = True
    with pytest.raises(RuntimeError):
        view(request)
    failing["now"] = False

    assert view(request).content == b"page"
    assert cache.get(page_cache._cache_key(request) + ":render") is None


def test_a_stale_copy_is_not_kept_for_ever(page, settings, monkeypatch):
    timeouts = []
    real_set = cache.set
    monkeypatch.setattr(
        page_cache.cache,
        "set",
        lambda key, value, timeout: timeouts.append(timeout) or real_set(key, value, timeout),
    )

    page()

    assert timeouts == [settings.PUBLIC_PAGE_CACHE_SECONDS + STALE_SECONDS]


@pytest.fixture
def partner_page(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5
    renders: list[str] = []

    @cached_public_page(query=("partner",))
    def view(request):
        renders.append(request.get_full_path())
        return HttpResponse(f"{request.GET.get('partner', '')} {request.get_full_path()}")

    def get(path: str) -> str:
        return view(RequestFactory().get(path)).content.decode()

    get.renders = renders  # type: ignore[attr-defined]
    return get


def test_parameters_the_view_does_not_read_share_the_copy_and_never_reach_it(partner_page):
    first = partner_page("/p/spike/?fbclid=IwAR0abc&utm_source=news")
    again = partner_page("/p/spike/?fbclid=IwAR0xyz")
    plain = partner_page("/p/spike/")

    assert first == again == plain == " /p/spike/"
    assert partner_page.renders == ["/p/spike/"]


def test_a_parameter_the_view_reads_has_its_own_copy(partner_page):
    assert partner_page("/p/spike/?partner=tenants&fbclid=1") == "tenants /p/spike/?partner=tenants"
    assert partner_page("/p/spike/?fbclid=2&partner=tenants") == "tenants /p/spike/?partner=tenants"
    assert partner_page("/p/spike/?partner=unions") == "unions /p/spike/?partner=unions"
    assert partner_page("/p/spike/") == " /p/spike/"

    assert len(partner_page.renders) == 3


def test_browsers_and_caches_in_front_keep_a_copy_no_longer_than_its_own_time(settings, clock):
    """A copy served a few seconds after its render, or stale while another request renders the
    page again, must not start a new PUBLIC_PAGE_CACHE_SECONDS downstream: a withdrawn signer's
    name would outlive our own bound there."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5

    @cached_public_page(query=())
    def view(request):
        return HttpResponse("page")

    def cache_control() -> str:
        return view(RequestFactory().get("/p/spike/"))["Cache-Control"]

    assert "max-age=5" in cache_control()  # just rendered
    clock.now += 3
    assert "max-age=2" in cache_control()
    clock.now += 3
    lock = page_cache._cache_key(RequestFactory().get("/p/spike/")) + ":render"
    assert cache.add(lock, 1, RENDER_LOCK_SECONDS)  # another request is rendering it
    assert "max-age=0" in cache_control()
