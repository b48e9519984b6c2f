from datetime import date

import pytest

from yorisoi.core.japanese import (
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    normalize_kana,
    wareki_date,
    wareki_year,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
    ],
)
def test_fiscal_year_turns_on_april_first(day, expected):
    assert fiscal_year(day) == expected


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2025) == (date(2025, 4, 1), date(2026, 3, 31))


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2025, "令和7年度（2025年度）"),
        (2019, "令和元年度（2019年度）"),
        (2018, "平成30年度（2018年度）"),
    ],
)
def test_fiscal_year_label_names_2019_reiwa_gannen(year, label):
    assert fiscal_year_label(year) == label


def test_wareki_dates_around_era_change():
    assert wareki_date(date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki_date(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki_year(2026) == "令和8年"


@pytest.mark.parametrize("text", ["ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ　たろう", "やまだたろう"])
def test_normalize_kana_folds_script_width_and_spaces(text):
    assert normalize_kana(text) == "やまだたろう"
