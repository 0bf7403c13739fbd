"""The tiled log over HTTP (c2sp.org/tlog-tiles), and the log keys at a well-known URL.

    /p/<slug>/log/checkpoint                    the latest signed checkpoint, with cosignatures
    /p/<slug>/log/tile/<L>/<N>[.p/<W>]          hash tiles
    /p/<slug>/log/tile/entries/<N>[.p/<W>]      entry bundles
    /.well-known/groundswell/transparency-keys  the log's verifier keys, current and earlier

Full tiles never change: they are served with a one-year immutable cache header (and, in
production, from the tile storage by a CDN without reaching us); partial tiles and the checkpoint
are cached briefly.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from groundswell.campaigns.selectors import campaign_public_get
from groundswell.transparency.note_keys import published_log_keys
from groundswell.transparency.selectors import tiled_log_get
from groundswell.transparency.services.tiles import tile_contents
from groundswell.transparency.tlog_tiles import TileError, parse_tile_path

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=10"


def _public(response: HttpResponse, cache_control: str) -> HttpResponse:
    response["Cache-Control"] = cache_control
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def checkpoint(request: HttpRequest, slug: str) -> HttpResponse:
    log = tiled_log_get(campaign=campaign_public_get(slug=slug))
    if log is None:
        raise Http404("no checkpoint yet")
    response = HttpResponse(bytes(log.checkpoint.note), content_type="text/plain; charset=utf-8")
    return _public(response, SHORT)


@require_GET
def tile(request: HttpRequest, slug: str, tile_path: str) -> HttpResponse:
    try:
        wanted = parse_tile_path(f"tile/{tile_path}")
    except TileError:
        raise Http404("not a tile path") from None
    campaign = campaign_public_get(slug=slug)
    log = tiled_log_get(campaign=campaign)
    if log is None:
        raise Http404("no checkpoint yet")
    data = tile_contents(
        campaign_id=campaign.pk,
        log_name=log.log_name,
        tile=wanted,
        tree_size=log.checkpoint.tree_size,
    )
    if data is None:
        raise Http404("no such tile in the latest checkpoint's tree")
    response = HttpResponse(data, content_type="application/octet-stream")
    return _public(response, IMMUTABLE if wanted.is_full else SHORT)


@require_GET
def transparency_keys(request: HttpRequest) -> HttpResponse:
    """One line per key: ``<vkey> current`` or ``<vkey> previous [retired <YYYY-MM-DD>]``."""
    text = "".join(key.line() for key in published_log_keys())
    return _public(
        HttpResponse(text, content_type="text/plain; charset=utf-8"), "public, max-age=300"
    )
