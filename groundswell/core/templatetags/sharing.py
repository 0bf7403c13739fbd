"""`{% share_buttons url text %}`: the share buttons every public page shows (one include)."""

from django import template

from groundswell.core.sharing import share_links

register = template.Library()


@register.inclusion_tag("_share_buttons.html")
def share_buttons(url: str, text: str, heading: str = "") -> dict[str, object]:
    return {"share_url": url, "links": share_links(url=url, text=text), "heading": heading}
