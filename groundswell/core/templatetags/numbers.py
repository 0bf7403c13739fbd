"""One number format everywhere, in the reader's language: `{{ count|number }}`.

1,166 in English, 1.166 in Spanish, on every page and in every e-mail (a built-in filter: see
TEMPLATES in settings; Python code calls `number_display`). Grouping is forced, so a page never
shows "1166" beside another's "1,166".
"""

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def number_display(value: Any) -> str:
    """`value` as the active language writes numbers; what is not a number comes back as text."""
    if value is None or value == "":
        return ""
    try:
        number = int(value) if float(value).is_integer() else float(value)
    except (TypeError, ValueError):
        return str(value)
    return number_format(number, use_l10n=True, force_grouping=True)


@register.filter(name="number", is_safe=True)
def number(value: Any) -> str:
    return number_display(value)
