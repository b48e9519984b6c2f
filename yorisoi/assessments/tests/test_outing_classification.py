"""The outing classification follows the Cabinet Office survey definitions of 広義のひきこもり群,
clause by clause (issue 9, point 2): one case per clause, for both rule sets (R4, the default,
and H30), each naming the clause of instruments/outing.yaml it exercises ([Q19], [6M], [ILL],
[HOME], [HOUSE], [R4CARE], [SEMI], [NARROW]). The expected results are written here from the
published definitions as that file quotes them, not read from the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from yorisoi.assessments import definitions, scoring

DEFINITION = definitions.load(
    (Path(__file__).resolve().parents[1] / "instruments/outing.yaml").read_text("utf-8")
)
R4 = definitions.resolve(DEFINITION, "r4")
H30 = definitions.resolve(DEFINITION, "h30")

# A person who meets the definition: 自室からほとんど出ない for two years, no exclusion.
BASE = {
    "outing_state": "rarely_room",
    "duration": 24,
    "began_because": {"tags": ["none_of_these"], "free": []},
    "works_at_home": "no",
    "role_at_home": "neither",
    "talked_outside_family": "never",
}


def answers(**changes) -> dict:
    out = dict(BASE)
    for key, value in changes.items():
        out[key] = {"tags": value, "free": []} if key == "began_because" else value
    return out


# (clause, answers, R4 result, H30 result)
CLAUSES = [
    # [Q19] the survey's eight options; 1–4 are not withdrawal.
    (
        "Q19 1 仕事や学校で平日は毎日外出する",
        answers(outing_state="work_school_daily"),
        "none",
        "none",
    ),
    (
        "Q19 2 仕事や学校で週に3〜4日外出する",
        answers(outing_state="work_school_3_4_days"),
        "none",
        "none",
    ),
    ("Q19 3 遊び等で頻繁に外出する", answers(outing_state="leisure_often"), "none", "none"),
    (
        "Q19 4 人づきあいのためにときどき外出する",
        answers(outing_state="social_sometimes"),
        "none",
        "none",
    ),
    # [SEMI] option 5; [NARROW] options 6–8.
    ("SEMI 5 趣味に関する用事のときだけ外出", answers(outing_state="hobby_only"), "semi", "semi"),
    (
        "NARROW 6 近所のコンビニなどには出かける",
        answers(outing_state="nearby_store"),
        "narrow",
        "narrow",
    ),
    (
        "NARROW 7 自室からは出るが家からは出ない",
        answers(outing_state="room_not_house"),
        "narrow",
        "narrow",
    ),
    ("NARROW 8 自室からほとんど出ない", answers(), "narrow", "narrow"),
    # [6M] six months or more.
    ("6M 5か月は対象外", answers(duration=5), "none", "none"),
    ("6M ちょうど6か月は対象", answers(duration=6), "narrow", "narrow"),
    ("6M 準ひきこもりも6か月から", answers(outing_state="hobby_only", duration=6), "semi", "semi"),
    # [ILL] only 統合失調症 and 身体的な病気, as the reason the state began.
    ("ILL 統合失調症がきっかけ", answers(began_because=["schizophrenia"]), "none", "none"),
    ("ILL 身体的な病気がきっかけ", answers(began_because=["physical_illness"]), "none", "none"),
    (
        "ILL うつ病など他の病気は除かない（治療中でも）",
        answers(began_because=["none_of_these"]),
        "narrow",
        "narrow",
    ),
    # [HOME] 自宅で仕事をしている excludes; nothing else about work does.
    ("HOME 自宅で仕事をしている", answers(works_at_home="yes"), "none", "none"),
    # [HOUSE] 専業主婦・主夫 / 家事手伝い only with talk outside the family.
    (
        "HOUSE 専業主婦・主夫で家族以外とよく会話",
        answers(role_at_home="homemaker", talked_outside_family="often"),
        "none",
        "none",
    ),
    (
        "HOUSE 家事手伝いで家族以外とときどき会話",
        answers(role_at_home="family_helper", talked_outside_family="sometimes"),
        "none",
        "none",
    ),
    (
        "HOUSE 専業主婦・主夫でも家族以外とほとんど会話しなければ対象",
        answers(role_at_home="homemaker", talked_outside_family="rarely"),
        "narrow",
        "narrow",
    ),
    (
        "HOUSE 家事手伝いでも家族以外とまったく会話しなければ対象",
        answers(role_at_home="family_helper", talked_outside_family="never"),
        "narrow",
        "narrow",
    ),
    # [R4CARE] R4 only: 妊娠 / 介護・看護 / 家事・育児 as the reason, with talk outside the family.
    (
        "R4CARE 妊娠がきっかけで家族以外とよく会話",
        answers(began_because=["pregnancy"], talked_outside_family="often"),
        "none",
        "narrow",
    ),
    (
        "R4CARE 介護・看護がきっかけで家族以外とときどき会話",
        answers(began_because=["care_nursing"], talked_outside_family="sometimes"),
        "none",
        "narrow",
    ),
    (
        "R4CARE 家事・育児がきっかけで家族以外とよく会話",
        answers(began_because=["housework_childcare"], talked_outside_family="often"),
        "none",
        "narrow",
    ),
    (
        "R4CARE 家事・育児がきっかけでも家族以外と会話しなければ対象",
        answers(began_because=["housework_childcare"], talked_outside_family="never"),
        "narrow",
        "narrow",
    ),
]


@pytest.mark.parametrize(
    ("clause", "given", "r4", "h30"), CLAUSES, ids=[clause for clause, *_rest in CLAUSES]
)
def test_each_published_clause(clause, given, r4, h30):
    for definition, want in ((R4, r4), (H30, h30)):
        assert scoring.missing_items(definition, given) == []
        result = scoring.evaluate(definition, given, complete=True)["classification"]
        assert result["code"] == want, (clause, definition["variant"])
        groups = [g["code"] for g in result["groups"]]
        assert groups == (["broad"] if want in ("semi", "narrow") else [])
        for lang in ("ja", "en"):
            assert result["reason"][lang] and "{" not in result["reason"][lang]
        assert "診断ではありません" in result["reason"]["ja"]


def test_the_reason_names_what_decided_it_in_plain_words():
    result = scoring.evaluate(R4, answers(duration=14), complete=True)["classification"]
    assert result["labels"]["ja"] == "狭義のひきこもりの状態"
    assert "自室からほとんど出ない" in result["reason"]["ja"]
    assert "1年2か月" in result["reason"]["ja"]
    assert "1 year 2 months" in result["reason"]["en"]
    excluded = scoring.evaluate(R4, answers(began_because=["physical_illness"]), complete=True)
    assert "身体的な病気" in excluded["classification"]["reason"]["ja"]


def test_each_rule_set_names_its_source_survey_and_r4_is_the_default():
    assert definitions.default_variant(DEFINITION) == "r4"
    assert "こども・若者の意識と生活に関する調査（令和4年度）" in R4["source"]["ja"]
    assert "生活状況に関する調査（平成30年度）" in H30["source"]["ja"]
    assert "令和4年度" in R4["classification"]["labels"]["ja"]
    assert "平成30年度" in H30["classification"]["labels"]["ja"]


def test_the_options_are_worded_as_the_survey_prints_them():
    options = {
        o["value"]: o["labels"]["ja"] for o in scoring.items_by_id(R4)["outing_state"]["options"]
    }
    assert list(options.values()) == [
        "仕事や学校で平日は毎日外出する",
        "仕事や学校で週に3〜4日外出する",
        "遊び等で頻繁に外出する",
        "人づきあいのためにときどき外出する",
        "ふだんは家にいるが、自分の趣味に関する用事のときだけ外出する",
        "ふだんは家にいるが、近所のコンビニなどには出かける",
        "自室からは出るが、家からは出ない",
        "自室からほとんど出ない",
    ]


def test_the_definition_file_cites_each_clause_and_says_where_it_could_not():
    text = (Path(__file__).resolve().parents[1] / "instruments/outing.yaml").read_text("utf-8")
    for clause in ("[Q19]", "[6M]", "[SEMI]", "[NARROW]", "[ILL]", "[HOME]", "[HOUSE]", "[R4CARE]"):
        assert text.count(clause) >= 2, clause  # cited in the header and at its rule
    assert "page number of each clause is therefore NOT given" in text


def test_a_draft_gets_no_classification():
    given = {"outing_state": "rarely_room", "duration": 24}
    result = scoring.evaluate(R4, given, complete=False)
    assert "classification" not in result
    assert set(scoring.missing_items(R4, given)) == {
        "began_because",
        "works_at_home",
        "role_at_home",
        "talked_outside_family",
    }
