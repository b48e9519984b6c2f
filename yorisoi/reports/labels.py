"""年度 and 和暦 labels in the language of the page: 令和6年度（2024年度） in Japanese,
FY2024 (Reiwa 6) in English."""

from __future__ import annotations

from datetime import date

from django.utils.translation import get_language

from yorisoi.core import japanese


def _kanji() -> bool:
    return (get_language() or "ja").startswith("ja")


def year_label(year: int) -> str:
    return japanese.fiscal_year_label(year, kanji=_kanji())


def wareki(day: date) -> str:
    return japanese.wareki_date(day, kanji=_kanji())
