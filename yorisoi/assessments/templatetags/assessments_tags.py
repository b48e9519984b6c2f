from __future__ import annotations

from django import template
from django.utils.translation import get_language

from yorisoi.assessments import scoring

register = template.Library()


@register.filter
def pick(labels) -> str:
    """A definition's {ja, en} label in the current language (Japanese when missing)."""
    return scoring.pick(labels, (get_language() or "ja")[:2])


@register.filter
def signed(value) -> str:
    """A change in points: +3, −2, ±0."""
    if value is None or value == "":
        return ""
    value = int(value)
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{-value}"
    return "±0"


@register.filter
def risk_key(rule: dict) -> str:
    return f"{rule.get('instrument_id', '')}-{rule.get('id', '')}"


def _japanese() -> bool:
    return (get_language() or "ja")[:2] == "ja"


@register.simple_tag
def colon() -> str:
    """The separator between a label and its value: 「：」 in Japanese, ": " in English."""
    return "：" if _japanese() else ": "


@register.simple_tag
def listsep() -> str:
    """The separator between items of a list: 「、」 in Japanese, ", " in English."""
    return "、" if _japanese() else ", "


@register.simple_tag
def midsep() -> str:
    """The separator between short facts: 「・」 in Japanese, " · " in English."""
    return "・" if _japanese() else " · "
