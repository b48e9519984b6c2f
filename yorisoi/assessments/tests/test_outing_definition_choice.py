"""A center picks the survey definition its outing classification follows (R4 by default, or
H30); responses keep the rule set they were scored with (issue 9, point 2)."""

from __future__ import annotations

from yorisoi.assessments import catalog, services
from yorisoi.assessments.models import InstrumentResponse

from .factories import OUTING_NARROW, assess

# Pregnancy as the reason, and talking often with people outside the family: excluded by the
# R4 definition only ([R4CARE]).
PREGNANCY = {
    **OUTING_NARROW,
    "began_because": {"tags": ["pregnancy"], "free": []},
    "talked_outside_family": "often",
}


def test_r4_is_the_default_and_a_center_may_pick_h30(client, manager1, worker1, center1, case_c1):
    first = assess(worker1, case_c1, {"outing": PREGNANCY}).assessment.responses.get()
    assert (first.variant, first.classification) == ("r4", "none")
    assert "令和4年度" in first.result["classification"]["title"]["ja"]

    client.force_login(manager1)
    page = client.get("/assessments/settings/").content.decode()
    assert "区分の定義（調査）" in page and "平成30年度調査の定義" in page
    definition = catalog.builtin_rows()["outing"].definition
    services.instrument_setting_set(
        user=manager1, center=center1, definition=definition, variant="h30"
    )

    second = assess(worker1, case_c1, {"outing": PREGNANCY}).assessment.responses.get()
    assert (second.variant, second.classification) == ("h30", "narrow")
    # The first response keeps the rule set it was scored with.
    first = InstrumentResponse.objects.get(pk=first.pk)
    assert (first.variant, first.classification) == ("r4", "none")
    assert first.snapshot["classification"]["labels"]["ja"].endswith("（令和4年度の定義）")


def test_the_result_page_gives_the_reason_and_says_it_is_not_a_diagnosis(client, worker1, case_c1):
    assessment = assess(worker1, case_c1, {"outing": OUTING_NARROW}).assessment
    client.force_login(worker1)
    html = client.get(assessment.get_absolute_url()).content.decode()
    assert "狭義のひきこもりの状態" in html
    assert "自室からは出るが、家からは出ない" in html
    assert "診断ではありません" in html
