"""The public directory: open, won and closed petitions, open letters and upcoming events,
searchable."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from groundswell.core.http import InvalidParameter, query_integer
from groundswell.core.page_cache import cached_public_page
from groundswell.directory.providers import PROVIDER_LIMIT, directory_entries

PER_PAGE = 20
MAX_PAGE = PROVIDER_LIMIT  # more than any search can fill
MAX_QUERY = 100


@cached_public_page(query=("q", "page"))
def directory(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    number = query_integer(request, "page", minimum=1, maximum=MAX_PAGE, default=1)
    paginator = Paginator(directory_entries(query=query), PER_PAGE)
    if number > max(paginator.num_pages, 1):
        raise InvalidParameter(_("There is no such page."))
    page = paginator.page(number)

    def page_url(target: int) -> str:
        params = {"q": query} if query else {}
        if target > 1:
            params["page"] = str(target)
        return f"?{urlencode(params)}" if params else "?"

    context = {
        "query": query,
        "page": page,
        "previous_url": page_url(number - 1) if page.has_previous() else "",
        "next_url": page_url(number + 1) if page.has_next() else "",
    }
    return render(request, "directory/directory.html", context)
