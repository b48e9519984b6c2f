"""Fiscal year (年度), Japanese era (和暦) and kana normalisation helpers."""

from __future__ import annotations

import unicodedata
from datetime import date

# (first day, kanji name, latin name); newest first.
ERAS: tuple[tuple[date, str, str], ...] = (
    (date(2019, 5, 1), "令和", "Reiwa"),
    (date(1989, 1, 8), "平成", "Heisei"),
    (date(1926, 12, 25), "昭和", "Showa"),
    (date(1912, 7, 30), "大正", "Taisho"),
    (date(1868, 1, 25), "明治", "Meiji"),
)


def fiscal_year(day: date) -> int:
    """The 年度 a day belongs to, named by the calendar year in which it starts (April 1)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of 年度 `year`."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def _era_of(day: date) -> tuple[str, str, int]:
    for start, kanji, latin in ERAS:
        if day >= start:
            return kanji, latin, day.year - start.year + 1
    raise ValueError(f"{day} is before the Meiji era")


def wareki_year(year_number: int, kanji: bool = True) -> str:
    """和暦 label of a year as a city form shows it (令和7年; 元年 for the first year).

    A year that two eras share is named by the era in force on its last day, as forms do.
    """
    name_kanji, name_latin, n = _era_of(date(year_number, 12, 31))
    if kanji:
        return f"{name_kanji}{'元' if n == 1 else n}年"
    return f"{name_latin} {n}"


def wareki_date(day: date, kanji: bool = True) -> str:
    name_kanji, name_latin, n = _era_of(day)
    if kanji:
        return f"{name_kanji}{'元' if n == 1 else n}年{day.month}月{day.day}日"
    return f"{name_latin} {n}, {day.month}/{day.day}"


def fiscal_year_label(year: int, kanji: bool = True) -> str:
    """A 年度 label with its 和暦 year: 2025 -> "令和7年度（2025年度）"."""
    # Cities name 2019年度 令和元年度 although it began in 平成31年: the era of the calendar
    # year in which the 年度 starts, taken at that year's end, as wareki_year does.
    name_kanji, name_latin, n = _era_of(date(year, 12, 31))
    if kanji:
        return f"{name_kanji}{'元' if n == 1 else n}年度（{year}年度）"
    return f"FY{year} ({name_latin} {n})"


_SMALL_TO_LARGE = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")


def normalize_kana(text: str | None) -> str:
    """Fold text for search: NFKC (full/half width), katakana to hiragana, no spaces, lower case.

    Small kana fold to their large forms and the long-vowel mark is kept, so ヤマダ, ﾔﾏﾀﾞ,
    やまだ and "や ま だ" all give the same key.
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    out = []
    for ch in folded:
        code = ord(ch)
        # Katakana ァ..ヶ map onto hiragana ぁ..ゖ by a fixed offset.
        if 0x30A1 <= code <= 0x30F6:
            ch = chr(code - 0x60)
        if ch.isspace() or ch in "・･":
            continue
        out.append(ch)
    return "".join(out).lower().translate(_SMALL_TO_LARGE)
