"""Fictional assessments for the demo cases: a few years of history on some open cases of each
center, one severe-distress report awaiting the manager, and one draft. Idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from yorisoi.cases.models import OPEN_STATUSES, Case, Phase

from . import selectors, services
from .models import Assessment

CASES_PER_CENTER = 12
OUTING_BY_PHASE = {
    Phase.ENCOUNTER: ["rarely_room", "room_not_house", "nearby_store"],
    Phase.INDIVIDUAL: ["room_not_house", "nearby_store", "hobby_only"],
    Phase.GROUP: ["nearby_store", "hobby_only", "social_sometimes"],
    Phase.PARTICIPATION: ["hobby_only", "social_sometimes", "work_school_3_4_days"],
}
WISHES = ["someone_to_talk", "try_ibasho", "online_contact", "daily_rhythm", "short_work"]
INTERESTS = ["games", "music", "drawing", "reading", "computers", "animals", "trains"]


def _k6(rng: random.Random, level: int, *, below: int = 13) -> dict:
    """K6 answers around `level` per item, kept under `below` in total so that only the one
    report the demo means to raise is raised."""
    items = ["tense", "hopeless", "restless", "low_mood", "effortful", "worthless"]
    answers = {i: max(0, min(4, level + rng.choice([-1, 0, 0, 1]))) for i in items}
    while sum(answers.values()) >= below:
        top = max(answers, key=answers.get)
        answers[top] -= 1
    return answers


def _answers(rng: random.Random, case: Case, step: int, steps: int) -> dict:
    # Distress eases and outings widen a little over the steps, as support goes on.
    outing_states = OUTING_BY_PHASE.get(case.phase, OUTING_BY_PHASE[Phase.ENCOUNTER])
    state = outing_states[min(step, len(outing_states) - 1)] if steps > 1 else outing_states[0]
    level = max(0, 2 - step)
    lonely = max(1, 4 - step)
    answers = {
        "safety": {"self_harm_thoughts": "none", "violence_at_home": "none"},
        "outing": {
            "outing_state": state,
            "duration": rng.choice([8, 14, 30, 60, 96]) + step * 6,
            "began_because": {"tags": ["none_of_these"], "free": []},
            "works_at_home": "no",
            "role_at_home": "neither",
            "talked_outside_family": rng.choice(["rarely", "never"]),
        },
        "k6": _k6(rng, level),
        "loneliness": {"no_companions": lonely, "left_out": lonely, "cut_off": max(1, lonely - 1)},
    }
    if step == steps - 1:
        answers["interests"] = {
            "interests": {"tags": rng.sample(INTERESTS, 2), "free": []},
            "wishes": {"tags": rng.sample(WISHES, 2), "free": []},
        }
        answers["family"] = {
            "calm_talk": rng.randint(0, 3),
            "arguments": rng.randint(0, 2),
            "exhaustion": rng.randint(1, 3),
        }
    return answers


def _save(user, case, answers: dict, on: date, *, complete: bool = True) -> None:
    specs = {s.instrument_id: s for s in selectors.form_specs(center_id=case.center_id)}
    services.assessment_save(
        user=user,
        case=case,
        entries=[
            services.Entry(specs[i].definition, specs[i].snapshot, values)
            for i, values in answers.items()
        ],
        assessed_on=on,
        complete=complete,
    )


def load_demo_assessments(stdout=None, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    made = 0
    for center_id in Case.objects.values_list("center_id", flat=True).distinct().order_by():
        if Assessment.objects.filter(center_id=center_id).exists():
            continue
        cases = list(
            Case.objects.filter(
                center_id=center_id, status__in=OPEN_STATUSES, primary_worker__isnull=False
            )
            .select_related("primary_worker")
            .order_by("pk")[:CASES_PER_CENTER]
        )
        for index, case in enumerate(cases):
            rng = random.Random(case.pk)
            user = case.primary_worker
            steps = 1 + index % 3
            first = max(case.opened_on, today - timedelta(days=365 * 2))
            span = (today - first).days
            for step in range(steps):
                on = first + timedelta(days=span * (step + 1) // (steps + 1))
                _save(user, case, _answers(rng, case, step, steps), on)
                made += 1
        if cases:
            # One report awaiting the manager, and one unfinished draft.
            case = cases[0]
            severe = _k6(random.Random(1), 3, below=25) | {"hopeless": 4, "low_mood": 4}
            _save(case.primary_worker, case, {"k6": severe}, today)
            if len(cases) > 1:
                _save(
                    cases[1].primary_worker,
                    cases[1],
                    {"k6": {"tense": 2, "hopeless": 1}},
                    today,
                    complete=False,
                )
            made += 2
    if stdout is not None and made:
        stdout.write(f"Demo assessments: {made} (all fictional).")
