"""The Cabinet Office classification over every outing answer × duration × exclusion: the
result, its membership of the broad definition, and a reason that names what decided it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from yorisoi.assessments import definitions, scoring

OUTING = definitions.resolve(
    definitions.load(
        (Path(__file__).resolve().parents[1] / "instruments/outing.yaml").read_text("utf-8")
    )
)
STATES = [o["value"] for o in scoring.items_by_id(OUTING)["outing_state"]["options"]]
EXCLUSION_REASONS = ["illness", "pregnancy", "caregiving", "childcare", "housework", "work"]
EXCLUSIONS = [["none_apply"], *[[r] for r in EXCLUSION_REASONS], ["caregiving", "work"]]
DURATIONS = [0, 1, 5, 6, 7, 12, 30, 120]

WITHDRAWN = {
    "hobby_only": "semi",
    "nearby_store": "narrow",
    "room_not_house": "narrow",
    "rarely_room": "narrow",
}


def expected(state: str, months: int, exclusions: list[str]) -> str:
    """The survey's rule, written independently of the definition file."""
    if state not in WITHDRAWN:
        return "none"
    if set(exclusions) & set(EXCLUSION_REASONS):
        return "none"
    if months < 6:
        return "none"
    return WITHDRAWN[state]


def classify(state: str, months: int, exclusions: list[str]) -> dict:
    answers = {
        "outing_state": state,
        "duration": months,
        "exclusions": {"tags": exclusions, "free": []},
    }
    assert scoring.missing_items(OUTING, answers) == []
    return scoring.evaluate(OUTING, answers, complete=True)["classification"]


def test_the_table_covers_every_outing_answer():
    assert len(STATES) == 8
    assert set(WITHDRAWN) < set(STATES)


@pytest.mark.parametrize(
    ("state", "months", "exclusions"),
    list(itertools.product(STATES, DURATIONS, EXCLUSIONS)),
    ids=lambda v: "+".join(v) if isinstance(v, list) else str(v),
)
def test_classification_truth_table(state, months, exclusions):
    result = classify(state, months, exclusions)
    want = expected(state, months, exclusions)
    assert result["code"] == want
    groups = [g["code"] for g in result["groups"]]
    assert groups == (["broad"] if want in ("semi", "narrow") else [])
    reason = result["reason"]["ja"]
    assert reason and result["reason"]["en"]
    assert "{" not in reason and "{" not in result["reason"]["en"]
    items = scoring.items_by_id(OUTING)
    state_label = scoring.answer_text(items["outing_state"], state, "ja")
    if state not in WITHDRAWN:
        assert state_label in reason
    elif set(exclusions) & set(EXCLUSION_REASONS):
        for code in exclusions:
            assert (
                scoring.pick(
                    next(o for o in items["exclusions"]["options"] if o["value"] == code)["labels"],
                    "ja",
                )
                in reason
            )
    else:
        assert scoring.duration_text(months, "ja") in reason
        if want != "none":
            assert state_label in reason
            assert "6か月以上" in reason


def test_six_months_is_the_boundary():
    assert classify("rarely_room", 5, ["none_apply"])["code"] == "none"
    assert classify("rarely_room", 6, ["none_apply"])["code"] == "narrow"
    assert classify("hobby_only", 5, ["none_apply"])["code"] == "none"
    assert classify("hobby_only", 6, ["none_apply"])["code"] == "semi"


def test_reasons_read_naturally_in_both_languages():
    result = classify("room_not_house", 14, ["none_apply"])
    assert result["labels"]["ja"] == "狭義のひきこもりの状態"
    assert "1年2か月" in result["reason"]["ja"]
    assert "1 year 2 months" in result["reason"]["en"]
    assert "Leaves own room but not the house" in result["reason"]["en"]


def test_a_draft_gets_no_classification():
    answers = {"outing_state": "rarely_room", "duration": 24}
    result = scoring.evaluate(OUTING, answers, complete=False)
    assert "classification" not in result
    assert scoring.missing_items(OUTING, answers) == ["exclusions"]
