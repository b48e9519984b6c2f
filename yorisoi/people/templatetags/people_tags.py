"""Small display helpers for people templates."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.translation import get_language

from yorisoi.core.japanese import wareki_date

register = template.Library()


@register.filter
def wareki(value: date | None) -> str:
    """A date in 和暦 (令和7年4月1日), in latin letters when the page is in English."""
    if not value:
        return ""
    try:
        return wareki_date(value, kanji=not (get_language() or "ja").startswith("en"))
    except ValueError:
        return value.isoformat()
