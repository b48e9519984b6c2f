"""Plain helpers that build cases and assessments through the services, as the app does."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from yorisoi.assessments import selectors, services
from yorisoi.cases import services as case_services
from yorisoi.cases.models import Case, Consulter, Method

_seq = count(1)

# Answers that complete each built-in instrument, in stored form.
OUTING_NARROW = {
    "outing_state": "room_not_house",
    "duration": 30,
    "began_because": {"tags": ["none_of_these"], "free": []},
    "works_at_home": "no",
    "role_at_home": "neither",
    "talked_outside_family": "never",
}
K6_TOTAL_8 = {
    "tense": 2,
    "hopeless": 2,
    "restless": 1,
    "low_mood": 1,
    "effortful": 1,
    "worthless": 1,
}
SAFE = {"self_harm_thoughts": "none", "violence_at_home": "none"}


def make_case(user, center, **extra) -> Case:
    """A case opened by a phone intake from the person's mother, held by `user`."""
    n = next(_seq)
    contact = case_services.intake_record(
        user=user,
        center=center,
        person_data={"family_name_kana": "しえん", "given_name_kana": f"はなこ{n}"},
        consulter=Consulter.FAMILY,
        consulter_relationship="mother",
        method=Method.PHONE,
        occurred_at=timezone.now() - timedelta(hours=1),
        **extra,
    )
    return Case.objects.get(pk=contact.case_id)


def k6(total: int) -> dict:
    """K6 answers adding up to `total` (0–24)."""
    ids = ["tense", "hopeless", "restless", "low_mood", "effortful", "worthless"]
    answers = {}
    left = total
    for item_id in ids:
        answers[item_id] = min(4, left)
        left -= answers[item_id]
    assert left == 0
    return answers


def assess(
    user,
    case,
    answers: dict[str, dict],
    *,
    on: date | None = None,
    complete: bool = True,
    assessment=None,
    token: str | None = None,
):
    """Save an assessment through the service with the center's current definitions.
    `answers` maps instrument id -> {item id: stored value}."""
    specs = {
        s.instrument_id: s
        for s in selectors.form_specs(center_id=case.center_id, assessment=assessment)
    }
    entries = [
        services.Entry(specs[iid].definition, specs[iid].snapshot, values)
        for iid, values in answers.items()
    ]
    return services.assessment_save(
        user=user,
        case=case,
        entries=entries,
        assessed_on=on or timezone.localdate(),
        complete=complete,
        assessment=assessment,
        submission_token=token,
    )


def post_data(answers: dict[str, dict], **extra) -> dict:
    """Form data for the assessment form from stored-form answers."""
    data = {"assessed_on": timezone.localdate().isoformat(), "note": ""}
    for iid, values in answers.items():
        for item_id, value in values.items():
            name = f"{iid}__{item_id}"
            if isinstance(value, dict):
                data[name] = value.get("tags", [])
                if value.get("free"):
                    data[f"{name}__free"] = "、".join(value["free"])
            elif item_id == "duration" or (iid, item_id) in DURATION_ITEMS:
                years, months = divmod(value, 12)
                data[f"{name}__years"] = str(years)
                data[f"{name}__months"] = str(months)
            else:
                data[name] = str(value)
    data.update(extra)
    return data


DURATION_ITEMS = {("outing", "duration")}
