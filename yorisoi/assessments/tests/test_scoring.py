"""Totals, every band boundary, reverse items and the center's choice of answer scale."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yorisoi.assessments import definitions, scoring

from .factories import k6

DIR = Path(__file__).resolve().parents[1] / "instruments"


def builtin(name: str, variant: str = "") -> dict:
    return definitions.resolve(definitions.load((DIR / f"{name}.yaml").read_text("utf-8")), variant)


K6 = builtin("k6")
FAMILY = builtin("family")


@pytest.mark.parametrize(
    ("total", "band", "prompt"),
    [
        (0, "low", False),
        (4, "low", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", False),
        (12, "moderate", False),
        (13, "severe", True),
        (24, "severe", True),
    ],
)
def test_k6_band_boundaries(total, band, prompt):
    result = scoring.evaluate(K6, k6(total), complete=True)
    assert result["total"] == total
    assert result["range"] == [0, 24]
    assert result["band"]["code"] == band
    assert ("prompt" in result["band"]) is prompt
    if prompt:
        assert "医療機関との連携" in result["band"]["prompt"]["ja"]


@pytest.mark.parametrize(("total", "risk"), [(12, False), (13, True), (24, True)])
def test_k6_thirteen_and_over_is_a_risk(total, risk):
    risks = scoring.evaluate(K6, k6(total), complete=True)["risks"]
    assert bool(risks) is risk
    if risk:
        assert risks[0]["id"] == "severe_distress"
        assert risks[0]["flag"] == ""
        assert risks[0]["checklist"]


def test_k6_keeps_its_scoring_convention():
    assert "0〜24" in K6["convention"]["ja"]
    assert "0–4" in K6["convention"]["en"]


def test_k6_item_labels_are_our_own_short_topics():
    """No official question wording is shipped: labels are short topic names, not questions."""
    for item in K6["items"]:
        assert not item["labels"]["ja"].endswith("か")
        assert "ましたか" not in item["labels"]["ja"]
        assert "?" not in item["labels"]["en"]
        assert not item["labels"]["en"].lower().startswith(("how often", "did you", "during"))


@pytest.mark.parametrize(
    ("variant", "low", "high"), [("four_point", 3, 12), ("three_point", 3, 9), ("", 3, 12)]
)
def test_loneliness_range_follows_the_centers_scale(variant, low, high):
    resolved = builtin("loneliness", variant)
    items = [i["id"] for i in resolved["items"]]
    lowest = scoring.evaluate(resolved, dict.fromkeys(items, low // 3), complete=True)
    highest = scoring.evaluate(resolved, dict.fromkeys(items, high // 3), complete=True)
    assert (lowest["total"], highest["total"]) == (low, high)
    assert lowest["range"] == [low, high]
    assert resolved["variant"] == (variant or "four_point")


def test_reverse_item_is_turned_round():
    # calm_talk is reverse-scored: "very true" (3) counts 0 strain, "not true" (0) counts 3.
    base = {"arguments": 1, "exhaustion": 2}
    calm = scoring.evaluate(FAMILY, {**base, "calm_talk": 3}, complete=True)
    tense = scoring.evaluate(FAMILY, {**base, "calm_talk": 0}, complete=True)
    assert calm["item_scores"]["calm_talk"] == 0
    assert tense["item_scores"]["calm_talk"] == 3
    assert (calm["total"], tense["total"]) == (3, 6)
    assert (calm["band"]["code"], tense["band"]["code"]) == ("strained", "heavy")


@pytest.mark.parametrize(("raw", "expected"), [(0, 3), (1, 2), (2, 1), (3, 0)])
def test_reverse_scoring_formula(raw, expected):
    item = scoring.items_by_id(FAMILY)["calm_talk"]
    assert scoring.item_score(item, raw, reverse=True) == expected


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "manageable"),
        (2, "manageable"),
        (3, "strained"),
        (5, "strained"),
        (6, "heavy"),
        (9, "heavy"),
    ],
)
def test_family_strain_band_boundaries(total, band):
    assert scoring.band_for(FAMILY, total)["code"] == band


def test_incomplete_answers_have_no_total():
    answers = k6(10)
    del answers["worthless"]
    assert scoring.total_score(K6, answers)[0] is None
    assert scoring.missing_items(K6, answers) == ["worthless"]


# -- properties ------------------------------------------------------------------------------

SCORED = [
    (name, variant)
    for name in ("k6", "family", "loneliness")
    for variant in (["four_point", "three_point"] if name == "loneliness" else [""])
]


def answers_for(definition: dict):
    """A strategy for complete answers to the scored items of a resolved definition."""
    items = scoring.items_by_id(definition)
    fields = {}
    for item_id in scoring.scored_item_ids(definition):
        item = items[item_id]
        if item["type"] == "scale":
            fields[item_id] = st.integers(item["min"], item["max"])
        else:
            fields[item_id] = st.sampled_from([o["value"] for o in item["options"]])
    return st.fixed_dictionaries(fields)


@pytest.mark.parametrize(("name", "variant"), SCORED)
def test_totals_stay_within_the_instruments_range(name, variant):
    definition = builtin(name, variant)
    low, high = definition["scoring"]["range"]

    @settings(max_examples=200, deadline=None)
    @given(answers_for(definition))
    def check(answers):
        result = scoring.evaluate(definition, answers, complete=True)
        assert low <= result["total"] <= high
        if definition["scoring"].get("bands"):
            band = result["band"]
            assert band is not None
            assert band["min"] <= result["total"] <= band["max"]

    check()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=6),
    st.data(),
)
def test_any_valid_generated_definition_keeps_totals_in_range(maxima, data):
    """Definitions built on the fly: any valid file's totals lie within its declared range."""
    lows = [data.draw(st.integers(0, 2)) for _ in maxima]
    items = []
    for index, (low, span) in enumerate(zip(lows, maxima, strict=True)):
        items.append(
            f"  - {{id: i{index}, type: scale, min: {low}, max: {low + span + 1}, "
            f"labels: {{ja: 項目{index}, en: Item {index}}}}}"
        )
    reverse = [f"i{i}" for i in range(len(items)) if data.draw(st.booleans())]
    low_total = sum(lows)
    high_total = sum(low + span + 1 for low, span in zip(lows, maxima, strict=True))
    text = "\n".join(
        [
            "id: generated",
            "version: 1",
            "labels: {ja: 生成, en: Generated}",
            "items:",
            *items,
            "scoring:",
            f"  reverse: [{', '.join(reverse)}]",
            f"  range: [{low_total}, {high_total}]",
        ]
    )
    assert definitions.validate_text(text) == []
    definition = definitions.resolve(definitions.load(text))
    answers = data.draw(answers_for(definition))
    total = scoring.evaluate(definition, answers, complete=True)["total"]
    assert low_total <= total <= high_total
