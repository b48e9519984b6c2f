"""Writes of the reports app: targets, external figures, commentary, and the audit record of
each export. Every write checks the policy, runs in one transaction and is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yorisoi.audit import services as audit
from yorisoi.audit.models import Action
from yorisoi.core.errors import StaleEditError

from . import policy
from .models import Commentary, ExternalFigure, Target

TARGET_FIELDS = ("metric", "center", "start_year", "end_year", "value", "note")
TARGET_AUDIT_FIELDS = ("metric", "center_id", "start_year", "end_year", "value", "note")
EXTERNAL_FIELDS = ("metric", "center", "month", "value", "source")
EXTERNAL_AUDIT_FIELDS = ("metric", "center_id", "month", "value", "source")


def _check_center(user, center) -> None:
    if center is not None and center.pk not in policy.managed_center_ids(user):
        raise PermissionDenied


def _stale(current, data: dict[str, Any]) -> dict:
    return {
        name: (getattr(current, name), value)
        for name, value in data.items()
        if getattr(current, name) != value
    }


DUPLICATE_TARGET = _(
    "同じ指標・対象・期間の目標がすでにあります。変更する場合は一覧からその目標を修正してください。"
)


@transaction.atomic
def target_create(*, user, data: dict[str, Any]) -> Target:
    if not policy.can_manage_targets(user):
        raise PermissionDenied
    _check_center(user, data.get("center"))
    target = Target(created_by=user, **{k: data[k] for k in TARGET_FIELDS if k in data})
    target.full_clean(validate_constraints=False)
    if _duplicate_target(target):
        raise ValidationError(DUPLICATE_TARGET)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as exc:  # a double submit racing the check above
        raise ValidationError(DUPLICATE_TARGET) from exc
    audit.record_change(
        actor=user,
        obj=target,
        action=Action.CREATE,
        after=audit.snapshot(target, TARGET_AUDIT_FIELDS),
    )
    return target


def _duplicate_target(target: Target) -> bool:
    return (
        Target.objects.filter(
            metric=target.metric,
            center_id=target.center_id,
            start_year=target.start_year,
            end_year=target.end_year,
        )
        .exclude(pk=target.pk)
        .exists()
    )


@transaction.atomic
def target_update(
    *, user, target: Target, data: dict[str, Any], expected_version: int | None
) -> Target:
    current = policy.editable_targets(user).select_for_update().filter(pk=target.pk).first()
    if current is None:
        raise PermissionDenied
    _check_center(user, data.get("center"))
    data = {k: data[k] for k in TARGET_FIELDS if k in data}
    if expected_version is not None and current.version != expected_version:
        changes = _stale(current, data)
        if not changes:
            return current
        raise StaleEditError(changes, current_version=current.version)
    before = audit.snapshot(current, TARGET_AUDIT_FIELDS)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean(validate_constraints=False)
    if _duplicate_target(current):
        raise ValidationError(DUPLICATE_TARGET)
    current.version += 1
    current.save()
    audit.record_change(
        actor=user,
        obj=current,
        before=before,
        after=audit.snapshot(current, TARGET_AUDIT_FIELDS),
    )
    return current


@transaction.atomic
def target_delete(*, user, target: Target) -> None:
    current = policy.editable_targets(user).select_for_update().filter(pk=target.pk).first()
    if current is None:
        raise PermissionDenied
    audit.record_change(
        actor=user,
        obj=current,
        action=Action.DELETE,
        before=audit.snapshot(current, TARGET_AUDIT_FIELDS),
        after={},
    )
    current.delete()


DUPLICATE_FIGURE = _(
    "この指標・対象・月の数値はすでに入力されています。直す場合は一覧の「修正」から変更してください。"
)


@transaction.atomic
def external_figure_create(*, user, data: dict[str, Any]) -> ExternalFigure:
    if not policy.can_manage_targets(user):
        raise PermissionDenied
    _check_center(user, data.get("center"))
    figure = ExternalFigure(entered_by=user, **{k: data[k] for k in EXTERNAL_FIELDS if k in data})
    figure.month = figure.month.replace(day=1)
    figure.full_clean(validate_constraints=False)
    if ExternalFigure.objects.filter(
        metric=figure.metric, center_id=figure.center_id, month=figure.month
    ).exists():
        raise ValidationError(DUPLICATE_FIGURE)
    try:
        with transaction.atomic():
            figure.save()
    except IntegrityError as exc:
        raise ValidationError(DUPLICATE_FIGURE) from exc
    audit.record_change(
        actor=user,
        obj=figure,
        action=Action.CREATE,
        after=audit.snapshot(figure, EXTERNAL_AUDIT_FIELDS),
    )
    return figure


@transaction.atomic
def external_figure_update(
    *, user, figure: ExternalFigure, data: dict[str, Any], expected_version: int | None
) -> ExternalFigure:
    current = (
        policy.editable_external_figures(user).select_for_update().filter(pk=figure.pk).first()
    )
    if current is None:
        raise PermissionDenied
    _check_center(user, data.get("center"))
    data = {k: data[k] for k in EXTERNAL_FIELDS if k in data}
    if "month" in data:
        data["month"] = data["month"].replace(day=1)
    if expected_version is not None and current.version != expected_version:
        changes = _stale(current, data)
        if not changes:
            return current
        raise StaleEditError(changes, current_version=current.version)
    before = audit.snapshot(current, EXTERNAL_AUDIT_FIELDS)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean(validate_constraints=False)
    if (
        ExternalFigure.objects.filter(
            metric=current.metric, center_id=current.center_id, month=current.month
        )
        .exclude(pk=current.pk)
        .exists()
    ):
        raise ValidationError(DUPLICATE_FIGURE)
    current.version += 1
    current.entered_by = user
    current.save()
    audit.record_change(
        actor=user,
        obj=current,
        before=before,
        after=audit.snapshot(current, EXTERNAL_AUDIT_FIELDS),
    )
    return current


@transaction.atomic
def external_figure_delete(*, user, figure: ExternalFigure) -> None:
    current = (
        policy.editable_external_figures(user).select_for_update().filter(pk=figure.pk).first()
    )
    if current is None:
        raise PermissionDenied
    audit.record_change(
        actor=user,
        obj=current,
        action=Action.DELETE,
        before=audit.snapshot(current, EXTERNAL_AUDIT_FIELDS),
        after={},
    )
    current.delete()


@transaction.atomic
def commentary_save(
    *,
    user,
    fiscal_year: int,
    center_id: int | None,
    center_ids,
    data: dict[str, str],
    expected_version: int | None,
) -> Commentary:
    """Create or change the commentary of one year's council report (for one center, or for
    the city when center_id is None)."""
    if not policy.can_edit_commentary(user, center_id=center_id, center_ids=center_ids):
        raise PermissionDenied
    data = {k: (data.get(k) or "").strip() for k in Commentary.TEXT_FIELDS}
    current = (
        Commentary.objects.select_for_update()
        .filter(fiscal_year=fiscal_year, center_id=center_id)
        .first()
    )
    if current is None:
        current = Commentary(fiscal_year=fiscal_year, center_id=center_id, updated_by=user)
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError as exc:  # someone saved the first version meanwhile
            raise StaleEditError(
                {name: ("", value) for name, value in data.items()}, current_version=1
            ) from exc
        audit.record_change(
            actor=user,
            obj=current,
            action=Action.CREATE,
            after={"fiscal_year": fiscal_year, "center_id": center_id, **data},
        )
        return current
    if expected_version is not None and current.version != expected_version:
        changes = _stale(current, data)
        if not changes:
            return current
        raise StaleEditError(changes, current_version=current.version)
    before = audit.snapshot(current, Commentary.TEXT_FIELDS)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean(validate_constraints=False)
    current.version += 1
    current.updated_by = user
    current.save()
    audit.record_change(
        actor=user,
        obj=current,
        before=before,
        after=audit.snapshot(current, Commentary.TEXT_FIELDS),
    )
    return current


def export_record(
    *, user, kind: str, fiscal_year: int, center_ids, center_id: int | None, publication: bool
) -> None:
    """The audit record of a download, written once the file is complete."""
    audit.record(
        actor=user,
        action=Action.EXPORT,
        object_type="reports.statistics",
        object_id=str(fiscal_year),
        center_id=center_id,
        changes={
            "format": kind,
            "fiscal_year": fiscal_year,
            "centers": list(center_ids),
            "publication": publication,
        },
    )
