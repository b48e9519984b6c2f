"""The append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("Audit events cannot be updated.")

    def delete(self):
        raise AuditImmutableError("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError("Audit events cannot be updated.")

    def update_or_create(self, *args, **kwargs):
        raise AuditImmutableError("Audit events cannot be updated.")

    def bulk_create(self, *args, **kwargs):
        # Each row must be chained to the one before it; only services.record may append.
        raise AuditImmutableError("Audit events are appended one by one through audit.services.")


class Action(models.TextChoices):
    VIEW = "view", _("閲覧")
    CREATE = "create", _("作成")
    UPDATE = "update", _("更新")
    DELETE = "delete", _("削除")
    EXPORT = "export", _("出力")
    LOGIN = "login", _("ログイン")
    LOGIN_FAILED = "login_failed", _("ログイン失敗")
    LOGOUT = "logout", _("ログアウト")
    BREAK_GLASS = "break_glass", _("緊急閲覧")
    SECURITY = "security", _("セキュリティ設定")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("日時"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作者"),
    )
    actor_label = models.CharField(_("操作者名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("対象の種類"), max_length=100, blank=True)
    object_id = models.CharField(_("対象ID"), max_length=64, blank=True)
    center_id = models.BigIntegerField(_("センター"), null=True, blank=True)
    changes = models.JSONField(_("変更内容"), default=dict, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("監査イベント")
        verbose_name_plural = _("監査イベント")
        ordering = ["id"]
        # Related-object access and internal queries use the base manager: make it the one
        # that refuses updates and deletes too.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["center_id", "at"], name="audit_center_at_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
        )

    def save(self, *args, **kwargs):
        # Only services.record may write a row: it takes the next id and the previous hash under
        # the head row's lock. Any other save would be an update or a row outside the chain.
        if not getattr(self, "_appending", False):
            raise AuditImmutableError(
                "Audit events are appended only through yorisoi.audit.services.record."
            )
        if self.pk is None or not kwargs.get("force_insert"):
            raise AuditImmutableError("Audit events cannot be updated.")
        self._appending = False
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Audit events cannot be deleted.")

    def content(self) -> dict:
        """The fields the hash covers, in a stable form."""
        return {
            "id": self.pk,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "center_id": self.center_id,
            "changes": self.changes,
            "reason": self.reason,
            "request_id": self.request_id,
            "ip_address": self.ip_address,
            "path": self.path,
        }

    def compute_hash(self) -> str:
        payload = json.dumps(
            self.content(), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        return hashlib.sha256((self.prev_hash + payload).encode("utf-8")).hexdigest()


class AuditHead(models.Model):
    """The last row of the chain; locked while appending so writers take turns."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head #{self.last_id}"


class BreakGlassGrant(models.Model):
    """An admin's logged, time-limited access to one object's content, given for a reason."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    reason = models.TextField(_("理由"))
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["user", "object_type", "expires_at"], name="breakglass_lookup_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.object_type}:{self.object_id} until {self.expires_at}"
