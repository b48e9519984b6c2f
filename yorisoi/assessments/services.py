"""Every write of the assessments app, each in one transaction with its audit event inside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yorisoi.accounts.models import Center
from yorisoi.audit import services as audit
from yorisoi.audit.models import Action
from yorisoi.cases.models import Case
from yorisoi.core.errors import StaleEditError

from . import definitions, policy, scoring
from .models import (
    Assessment,
    InstrumentDefinition,
    InstrumentResponse,
    InstrumentSetting,
    RiskEscalation,
    VocabularyTerm,
)

CASE_RISK_FIELDS = (
    "risk_self_harm",
    "risk_violence",
    "risk_abuse",
    "risk_no_medical",
    "risk_escalated_at",
    "risk_acknowledged_at",
    "risk_acknowledged_by_id",
)


@dataclass
class Entry:
    """Answers to one instrument, on the definition (row and resolved snapshot) shown."""

    definition: InstrumentDefinition
    snapshot: dict
    answers: dict


@dataclass
class SaveResult:
    assessment: Assessment
    duplicate: bool = False
    escalation: RiskEscalation | None = None
    risks: list[dict] = field(default_factory=list)


def _token(value: str | None) -> str | None:
    return (value or "").strip()[:64] or None


def _label(labels: dict) -> str:
    return scoring.pick(labels, (get_language() or "ja")[:2])


def _answered(answers: dict) -> dict:
    return {k: v for k, v in answers.items() if scoring.is_answered(v)}


def _stale_changes(responses: dict[str, InstrumentResponse], entries: list[Entry]) -> dict:
    """What someone else saved, item by item, against what this user submitted."""
    lang = (get_language() or "ja")[:2]
    changes: dict[str, tuple[str, str]] = {}
    submitted = {e.snapshot["id"]: e for e in entries}
    for instrument_id in sorted(set(responses) | set(submitted)):
        response = responses.get(instrument_id)
        entry = submitted.get(instrument_id)
        snapshot = response.snapshot if response else entry.snapshot
        theirs = response.answers if response else {}
        yours = entry.answers if entry else {}
        for item in snapshot["items"]:
            old, new = theirs.get(item["id"]), yours.get(item["id"])
            if (old if scoring.is_answered(old) else None) != (
                new if scoring.is_answered(new) else None
            ):
                instrument = scoring.pick(snapshot["labels"], lang)
                name = f"{instrument} / {scoring.pick(item['labels'], lang)}"
                changes[name] = (
                    scoring.answer_text(item, old, lang) or "—",
                    scoring.answer_text(item, new, lang) or "—",
                )
    return changes


@transaction.atomic
def assessment_save(
    *,
    user,
    case: Case,
    entries: list[Entry],
    assessed_on: date,
    note: str = "",
    complete: bool,
    submission_token: str | None = None,
    assessment: Assessment | None = None,
    expected_version: int | None = None,
) -> SaveResult:
    """Create or continue an assessment: save its answers as a draft, or complete it.

    Instruments left entirely blank are not part of the assessment. Completing needs every
    required item of each included instrument and computes the results on the snapshot the
    answers were given on. Answers matching a risk rule escalate to the center's managers,
    from a draft as well: danger must not wait in an unfinished form.
    A second submit with the same token changes nothing; a draft saved by someone else since
    the form was opened is refused with StaleEditError naming what changed.
    """
    if not policy.can_assess(user, case):
        raise PermissionDenied
    if not case.is_open:
        raise ValidationError(
            _(
                "終結したケースにはアセスメントを記録できません。ケースを再開してから記録してください。"
            )
        )
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("実施日が未来の日付になっています。")})
    token = _token(submission_token)
    if token:
        existing = Assessment.objects.filter(submission_token=token).first()
        if existing is not None:
            if existing.case_id != case.pk:
                raise PermissionDenied
            return SaveResult(existing, duplicate=True)

    entries = [
        Entry(e.definition, e.snapshot, _answered(e.answers))
        for e in entries
        if _answered(e.answers)
    ]
    if complete:
        if not entries:
            raise ValidationError(_("完了するには、少なくとも1つの尺度に回答してください。"))
        for entry in entries:
            missing = scoring.missing_items(entry.snapshot, entry.answers)
            if missing:
                items = scoring.items_by_id(entry.snapshot)
                raise ValidationError(
                    _("「%(instrument)s」の未回答の項目があります: %(items)s")
                    % {
                        "instrument": _label(entry.snapshot["labels"]),
                        "items": "、".join(_label(items[i]["labels"]) for i in missing),
                    }
                )

    if assessment is None:
        before: dict = {}
        action = Action.CREATE
        assessment = Assessment(
            case=case,
            center_id=case.center_id,
            assessed_on=assessed_on,
            note=note,
            created_by=user,
            updated_by=user,
            submission_token=token,
        )
        try:
            with transaction.atomic():
                assessment.save()
        except IntegrityError:
            # The same form submitted twice at the same moment: the first one won.
            return SaveResult(Assessment.objects.get(submission_token=token), duplicate=True)
        responses: dict[str, InstrumentResponse] = {}
    else:
        action = Action.UPDATE
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.case_id != case.pk:
            raise PermissionDenied
        if not assessment.is_draft:
            raise ValidationError(
                _("完了したアセスメントは変更できません。新しいアセスメントを記録してください。")
            )
        responses = {r.instrument_id: r for r in assessment.responses.all()}
        if expected_version is not None and expected_version != assessment.version:
            changes = _stale_changes(responses, entries)
            if assessment.assessed_on != assessed_on:
                changes[_("実施日")] = (str(assessment.assessed_on), str(assessed_on))
            if not changes:
                changes = {_("版"): (str(assessment.version), str(expected_version))}
            raise StaleEditError(changes, current_version=assessment.version)
        before = {
            "status": assessment.status,
            "assessed_on": assessment.assessed_on,
            "instruments": sorted(responses),
        }
        assessment.assessed_on = assessed_on
        assessment.note = note
        assessment.updated_by = user
        assessment.submission_token = token

    kept = set()
    risks: list[dict] = []
    for position, entry in enumerate(entries):
        instrument_id = entry.snapshot["id"]
        kept.add(instrument_id)
        response = responses.get(instrument_id)
        if response is None:
            response = InstrumentResponse(
                assessment=assessment,
                definition=entry.definition,
                instrument_id=instrument_id,
                definition_version=entry.definition.version,
                definition_hash=entry.definition.sha256,
                variant=entry.snapshot.get("variant", ""),
                snapshot=entry.snapshot,
            )
        # A draft keeps the definition it was started on, even if the form offered it again.
        response.position = position
        response.answers = entry.answers
        result = scoring.evaluate(response.snapshot, entry.answers, complete=complete)
        response.result = result
        response.total = result.get("total")
        response.band = (result.get("band") or {}).get("code", "")
        response.classification = (result.get("classification") or {}).get("code", "")
        response.tags = scoring.tags_of(response.snapshot, entry.answers)
        response.save()
        for risk in result["risks"]:
            risks.append({**risk, "instrument_id": instrument_id})
    for instrument_id, response in responses.items():
        if instrument_id not in kept:
            response.delete()

    if complete:
        assessment.status = Assessment.Status.COMPLETE
        assessment.completed_at = timezone.now()
    if action == Action.UPDATE:
        assessment.version += 1
    assessment.save()
    audit.record(
        actor=user,
        action=action,
        obj=assessment,
        changes=audit.diff(
            before,
            {
                "status": assessment.status,
                "assessed_on": assessment.assessed_on,
                "instruments": sorted(kept),
                "answers": "changed",
            },
            redact={"answers"},
        )
        | {"case_id": [None, case.pk]},
    )
    escalation = _escalate(user=user, assessment=assessment, risks=risks)
    return SaveResult(assessment, escalation=escalation, risks=risks)


def _risk_key(risk: dict) -> str:
    return f"{risk['instrument_id']}:{risk['id']}"


def _escalate(*, user, assessment: Assessment, risks: list[dict]) -> RiskEscalation | None:
    """Raise the case's risk flags for rules this assessment has not yet escalated, mark the
    case escalated until a manager acknowledges it, and record what triggered it."""
    if not risks:
        return None
    done: set[str] = set()
    for escalation in RiskEscalation.objects.filter(assessment=assessment):
        done |= escalation.rule_ids
    new = [r for r in risks if _risk_key(r) not in done]
    if not new:
        return None
    case = Case.objects.select_for_update().get(pk=assessment.case_id)
    if case.risk_acknowledged_at is not None:
        # A manager may have acknowledged on the case page (the cases app): earlier reports
        # were covered by that, so they must not reappear as pending with this new one.
        RiskEscalation.objects.filter(
            case_id=case.pk,
            acknowledged_at__isnull=True,
            created_at__lte=case.risk_acknowledged_at,
        ).update(
            acknowledged_at=case.risk_acknowledged_at,
            acknowledged_by_id=case.risk_acknowledged_by_id,
        )
    before = audit.snapshot(case, CASE_RISK_FIELDS)
    flags = sorted({r["flag"] for r in new if r["flag"]})
    for flag in flags:
        setattr(case, f"risk_{flag}", True)
    case.risk_escalated_at = timezone.now()
    case.risk_acknowledged_at = None
    case.risk_acknowledged_by = None
    # A case form opened before this must not silently put the flags back down.
    case.version += 1
    case.save(
        update_fields=[
            *(f"risk_{flag}" for flag in flags),
            "risk_escalated_at",
            "risk_acknowledged_at",
            "risk_acknowledged_by",
            "version",
            "updated_at",
        ]
    )
    reason = _("アセスメントの回答によるリスクの報告")
    audit.record_change(
        actor=user,
        obj=case,
        before=before,
        after=audit.snapshot(case, CASE_RISK_FIELDS),
        reason=reason,
    )
    escalation = RiskEscalation.objects.create(
        case=case,
        center_id=case.center_id,
        assessment=assessment,
        rules=[
            {k: r[k] for k in ("instrument_id", "id", "labels", "flag", "checklist")} for r in new
        ],
        flags=flags,
        created_by=user,
    )
    audit.record(
        actor=user,
        action=Action.CREATE,
        obj=escalation,
        changes={
            "rules": [None, sorted(_risk_key(r) for r in new)],
            "flags": [None, flags],
            "assessment_id": [None, assessment.pk],
            "case_id": [None, case.pk],
        },
        reason=reason,
    )
    return escalation


@transaction.atomic
def risk_acknowledge(*, user, case: Case, note: str = "") -> Case:
    """A manager of the case's center confirms they have seen the escalated risk. The case
    leaves the top of the manager's view; the flags themselves stay until a worker lowers them."""
    if not policy.can_acknowledge_risk(user, case):
        raise PermissionDenied
    current = Case.objects.select_for_update().get(pk=case.pk)
    pending = list(
        RiskEscalation.objects.select_for_update().filter(
            case_id=case.pk, acknowledged_at__isnull=True
        )
    )
    awaiting = current.risk_escalated_at is not None and (
        current.risk_acknowledged_at is None
        or current.risk_acknowledged_at < current.risk_escalated_at
    )
    if not awaiting and not pending:
        return current
    now = timezone.now()
    if awaiting:
        before = audit.snapshot(current, ("risk_acknowledged_at", "risk_acknowledged_by_id"))
        current.risk_acknowledged_at = now
        current.risk_acknowledged_by = user
        current.version += 1
        current.save(
            update_fields=["risk_acknowledged_at", "risk_acknowledged_by", "version", "updated_at"]
        )
        audit.record_change(
            actor=user,
            obj=current,
            before=before,
            after=audit.snapshot(current, ("risk_acknowledged_at", "risk_acknowledged_by_id")),
            reason=_("リスクの報告を管理者が確認"),
        )
    for escalation in pending:
        escalation.acknowledged_at = now
        escalation.acknowledged_by = user
        escalation.acknowledge_note = note
        escalation.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledge_note"])
        changes = {
            "acknowledged_at": [None, now.isoformat()],
            "acknowledged_by_id": [None, user.pk],
        }
        if note:
            changes["acknowledge_note"] = [audit.REDACTED, audit.REDACTED]
        audit.record(actor=user, action=Action.UPDATE, obj=escalation, changes=changes)
    for name in ("risk_acknowledged_at", "risk_acknowledged_by_id", "version", "updated_at"):
        setattr(case, name, getattr(current, name))
    return current


# ---------------------------------------------------------------------------------------------
# Definitions, settings and vocabulary (managers)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def definition_upload(*, user, center: Center, filename: str, text: str) -> InstrumentDefinition:
    """Accept an additional definition file for the center once it validates. Raises
    DefinitionError (with line numbers) otherwise; nothing is stored then."""
    if center.pk not in policy.managed_center_ids(user):
        raise PermissionDenied
    data = definitions.parse(text)
    problems = definitions.validate_data(data)
    if problems:
        raise definitions.DefinitionError(problems)
    plain = definitions.to_plain(data)
    if InstrumentDefinition.objects.filter(
        center=center, instrument_id=plain["id"], version=plain["version"]
    ).exists():
        raise definitions.DefinitionError(
            [
                definitions.Problem(
                    data.key_lines.get("version", 1),
                    _(
                        "尺度「%(id)s」の版 %(version)s はこのセンターにすでに登録されています。"
                        "内容を変えた場合は版（version）の数を上げてください。"
                    )
                    % {"id": plain["id"], "version": plain["version"]},
                )
            ]
        )
    row = InstrumentDefinition.objects.create(
        center=center,
        instrument_id=plain["id"],
        version=plain["version"],
        source=InstrumentDefinition.Source.UPLOAD,
        filename=(filename or "")[:200],
        text=text,
        sha256=definitions.text_hash(text),
        label_ja=plain["labels"]["ja"][:200],
        label_en=plain["labels"]["en"][:200],
        uploaded_by=user,
    )
    audit.record_change(
        actor=user,
        obj=row,
        action=Action.CREATE,
        after=audit.snapshot(row, ("instrument_id", "version", "filename", "sha256", "center_id")),
    )
    return row


@transaction.atomic
def definition_set_active(*, user, definition: InstrumentDefinition, active: bool) -> None:
    """Stop (or resume) offering an uploaded definition for new assessments. Responses already
    given on it keep it."""
    if definition.center_id is None or definition.center_id not in policy.managed_center_ids(user):
        raise PermissionDenied
    if definition.is_active == active:
        return
    before = {"is_active": definition.is_active}
    definition.is_active = active
    definition.save(update_fields=["is_active"])
    audit.record_change(actor=user, obj=definition, before=before, after={"is_active": active})


@transaction.atomic
def instrument_setting_set(
    *, user, center: Center, definition: dict, variant: str
) -> InstrumentSetting:
    """Choose the answer scale (variant) the center uses for an instrument from now on."""
    if center.pk not in policy.managed_center_ids(user):
        raise PermissionDenied
    if variant not in {v for v, _labels in definitions.variant_choices(definition)}:
        raise ValidationError({"variant": _("選べない回答の段階です。")})
    setting = (
        InstrumentSetting.objects.select_for_update()
        .filter(center=center, instrument_id=definition["id"])
        .first()
    )
    old = setting.variant if setting else definitions.default_variant(definition)
    if setting is None:
        setting = InstrumentSetting(center=center, instrument_id=definition["id"])
    if setting.pk and setting.variant == variant:
        return setting
    setting.variant = variant
    setting.updated_by = user
    setting.save()
    audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=setting,
        center_id=center.pk,
        changes={"instrument_id": [definition["id"], definition["id"]], "variant": [old, variant]},
    )
    return setting


def _require_vocabulary_editor(user) -> None:
    if not policy.can_manage_instruments(user):
        raise PermissionDenied


@transaction.atomic
def vocabulary_term_create(
    *, user, vocabulary: str, code: str, label_ja: str, label_en: str, order: int
) -> VocabularyTerm:
    _require_vocabulary_editor(user)
    if VocabularyTerm.objects.filter(vocabulary=vocabulary, code=code).exists():
        raise ValidationError(
            {"code": _("このコードはすでに使われています。別のコードにしてください。")}
        )
    term = VocabularyTerm(
        vocabulary=vocabulary, code=code, label_ja=label_ja, label_en=label_en, order=order
    )
    term.full_clean()
    term.save()
    audit.record_change(actor=user, obj=term, action=Action.CREATE)
    return term


@transaction.atomic
def vocabulary_term_update(
    *, user, term: VocabularyTerm, label_ja: str, label_en: str, order: int, is_active: bool
) -> VocabularyTerm:
    _require_vocabulary_editor(user)
    term = VocabularyTerm.objects.select_for_update().get(pk=term.pk)
    fields = ("label_ja", "label_en", "order", "is_active")
    before = audit.snapshot(term, fields)
    term.label_ja, term.label_en, term.order, term.is_active = label_ja, label_en, order, is_active
    term.full_clean()
    after = audit.snapshot(term, fields)
    if after != before:
        term.save()
        audit.record_change(actor=user, obj=term, before=before, after=after)
    return term
