"""A definition file with a problem is refused with the line and the problem named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yorisoi.assessments import definitions

BUILTIN = sorted((Path(__file__).resolve().parents[1] / "instruments").glob("*.yaml"))

VALID = """\
id: mood
version: 2
labels: {ja: 気分, en: Mood}
items:
  - id: calm
    type: scale
    min: 0
    max: 3
    labels: {ja: 落ち着き, en: Calm}
  - id: worry
    type: scale
    min: 0
    max: 3
    labels: {ja: 心配, en: Worry}
scoring:
  method: sum
  reverse: [calm]
  range: [0, 6]
  bands:
    - {code: low, min: 0, max: 2, labels: {ja: 低い, en: Low}}
    - {code: high, min: 3, max: 6, labels: {ja: 高い, en: High}}
"""


def problems(text: str) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in definitions.validate_text(text)]


def only(text: str) -> tuple[int, str]:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_every_builtin_definition_is_valid(path):
    assert problems(path.read_text(encoding="utf-8")) == []


def test_the_base_example_is_valid():
    assert problems(VALID) == []
    loaded = definitions.load(VALID)
    assert loaded["scoring"]["range"] == [0, 6]


def test_json_is_accepted_as_well():
    text = json.dumps(definitions.load(VALID), ensure_ascii=False, indent=2)
    assert problems(text) == []


def test_unknown_item_type_names_its_line():
    text = VALID.replace(
        "    type: scale\n    min: 0\n    max: 3\n    labels: {ja: 心配",
        ("    type: slider\n    labels: {ja: 心配"),
    )
    found = problems(text)
    assert (11, found[0][1]) == found[0]
    assert "slider" in found[0][1]
    assert "single_choice" in found[0][1]  # the message says what is allowed


def test_duplicated_item_id_names_the_second_line_and_the_first():
    text = (
        "id: d\nversion: 1\nlabels: {ja: d, en: d}\nitems:\n"
        "  - {id: note, type: free_text, labels: {ja: a, en: a}}\n"
        "  - {id: since, type: date, labels: {ja: b, en: b}}\n"
        "  - {id: note, type: date, labels: {ja: c, en: c}}\n"
    )
    line, message = only(text)
    assert line == 7
    assert "note" in message and "5行目" in message


def test_band_gap_is_refused_with_the_line_of_the_band_after_it():
    line, message = only(VALID.replace("{code: high, min: 3", "{code: high, min: 4"))
    assert line == 21
    assert "3点" in message and "抜け" in message


def test_band_overlap_is_refused():
    line, message = only(VALID.replace("{code: high, min: 3", "{code: high, min: 2"))
    assert line == 21
    assert "2点" in message and "重な" in message


def test_bands_that_stop_short_of_the_top_leave_a_gap():
    line, message = only(
        VALID.replace("{code: high, min: 3, max: 6", "{code: high, min: 3, max: 5")
    )
    assert line == 21
    assert "6点" in message and "抜け" in message


def test_bands_that_start_above_the_bottom_leave_a_gap():
    line, message = only(VALID.replace("{code: low, min: 0", "{code: low, min: 1"))
    assert line == 20
    assert "0点" in message


def test_band_outside_the_total_range_is_a_score_outside_range():
    found = problems(VALID.replace("{code: high, min: 3, max: 6", "{code: high, min: 3, max: 9"))
    assert found and all(line == 21 for line, _ in found)
    assert any("範囲" in message and "外" in message for _, message in found)


def test_declared_range_must_match_the_items():
    line, message = only(VALID.replace("range: [0, 6]", "range: [0, 8]"))
    assert line == 18
    assert "[0, 6]" in message


def test_option_scores_outside_a_scale_items_range_in_a_rule():
    text = VALID + (
        "risk:\n"
        "  - id: worried\n"
        "    labels: {ja: 心配, en: Worry}\n"
        "    when:\n"
        "      - {item: worry, gte: 7}\n"
        "    checklist:\n"
        "      - {ja: 確かめる, en: Check}\n"
    )
    line, message = only(text)
    assert line == 26
    assert "7点" in message and "0〜3点" in message


def test_total_threshold_outside_the_range():
    text = VALID + (
        "risk:\n"
        "  - id: high\n"
        "    labels: {ja: 高い, en: High}\n"
        "    when: [{score: total, gte: 30}]\n"
        "    checklist: [{ja: 確かめる, en: Check}]\n"
    )
    line, message = only(text)
    assert line == 25
    assert "30点" in message


def test_missing_english_label_names_the_line():
    line, message = only(VALID.replace("labels: {ja: 心配, en: Worry}", "labels: {ja: 心配}"))
    assert line == 14
    assert "en" in message


def test_missing_labels_altogether():
    line, message = only(VALID.replace("labels: {ja: 気分, en: Mood}\n", ""))
    assert line == 1
    assert "labels" in message


def test_a_comma_inside_braces_is_caught_as_an_unknown_language():
    line, message = only(VALID.replace("en: Worry}", "en: Worry, a lot}"))
    assert line == 14
    assert "a lot" in message and "引用符" in message


def test_yaml_syntax_error_gives_the_line():
    line, message = only(
        VALID.replace("    max: 3\n    labels: {ja: 心配", "    max: [3\n    labels: {ja: 心配")
    )
    assert line in (13, 14)
    assert "YAML" in message


def test_unknown_keys_are_refused_so_typos_do_not_pass():
    line, message = only(
        VALID.replace(
            "    min: 0\n    max: 3\n    labels: {ja: 落ち着き",
            ("    min: 0\n    max: 3\n    lables: {ja: x, en: x}\n    labels: {ja: 落ち着き"),
        )
    )
    assert line == 9
    assert "lables" in message


def test_duplicate_keys_in_one_mapping():
    found = problems(VALID.replace("version: 2\n", "version: 2\nversion: 3\n"))
    assert (3, found[0][1]) == found[0]
    assert "version" in found[0][1]


def test_reverse_item_must_be_scored():
    line, message = only(VALID.replace("reverse: [calm]", "reverse: [nothing]"))
    assert line == 17
    assert "nothing" in message


def test_classification_rule_refers_to_known_results_and_options():
    text = """\
id: c
version: 1
labels: {ja: c, en: c}
items:
  - id: state
    type: single_choice
    labels: {ja: 状態, en: State}
    options:
      - {value: a, labels: {ja: A, en: A}}
classification:
  labels: {ja: 区分, en: Class}
  results:
    - {code: yes, labels: {ja: はい, en: Yes}}
  rules:
    - result: maybe
      when: [{item: state, in: [b]}]
      reason: {ja: "{state} です", en: "{nothing}"}
  default: {result: yes, reason: {ja: 既定, en: Default}}
"""
    found = problems(text)
    lines = {line for line, _ in found}
    assert {13, 15, 16, 17} <= lines
    messages = " ".join(m for _, m in found)
    assert "maybe" in messages and "「b」" in messages and "nothing" in messages


def test_problems_are_reported_all_at_once_in_line_order():
    text = VALID.replace("labels: {ja: 気分, en: Mood}", "labels: {ja: 気分}").replace(
        "{code: high, min: 3", "{code: high, min: 5"
    )
    found = problems(text)
    assert [line for line, _ in found] == sorted(line for line, _ in found)
    assert len(found) == 2


def test_load_raises_with_the_problems():
    with pytest.raises(definitions.DefinitionError) as error:
        definitions.load("id: x\n")
    assert error.value.problems


def test_variants_need_ranges_matching_their_scale():
    text = """\
id: v
version: 1
labels: {ja: v, en: v}
variants:
  - id: four
    default: true
    labels: {ja: 4段階, en: 4-point}
    scale: {min: 1, max: 4}
    range: [2, 8]
  - id: three
    labels: {ja: 3段階, en: 3-point}
    scale: {min: 1, max: 3}
    range: [2, 8]
items:
  - {id: a, type: scale, labels: {ja: a, en: a}}
  - {id: b, type: scale, labels: {ja: b, en: b}}
scoring:
  method: sum
"""
    line, message = only(text)
    assert line == 13
    assert "[2, 6]" in message


def test_the_documented_example_is_valid():
    import re

    docs = Path(__file__).resolve().parents[3] / "docs/assessments.md"
    example = re.findall(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), flags=re.S)[0]
    assert problems(example) == []
