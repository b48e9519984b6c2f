"""AES-GCM encryption of sensitive free text, with keys held outside the database.

Stored form: ``enc1:<key id>:<base64(nonce || ciphertext+tag)>``. The key id (first 8 hex digits
of SHA-256 of the key) lets a key ring of several keys decrypt rows written under older keys
while a rotation re-encrypts them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

PREFIX = "enc1"


class EncryptionKeyError(RuntimeError):
    """The key is missing, malformed, or not the one the data was written with."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def key_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:8]


def _decode_key(text: str, origin: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError) as exc:
        raise EncryptionKeyError(f"The encryption key in {origin} is not valid base64.") from exc
    if len(raw) != 32:
        raise EncryptionKeyError(
            f"The encryption key in {origin} must be 32 bytes (base64), got {len(raw)}."
        )
    return raw


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[bytes, ...]  # first encrypts; all decrypt

    @property
    def current(self) -> bytes:
        return self.keys[0]

    def by_id(self, kid: str) -> bytes | None:
        for k in self.keys:
            if key_id(k) == kid:
                return k
        return None


def read_key_file(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


@lru_cache(maxsize=8)
def _ring_for(env_key: str, path: str, stamp: tuple) -> KeyRing:
    if env_key:
        texts = env_key.split(",")
        origin = "YORISOI_ENCRYPTION_KEY"
    else:
        try:
            texts = read_key_file(Path(path))
        except FileNotFoundError as exc:
            raise EncryptionKeyError(
                f"No encryption key: set YORISOI_ENCRYPTION_KEY or create {path} "
                "with `yorisoi initkey`."
            ) from exc
        except OSError as exc:
            raise EncryptionKeyError(
                f"The encryption key file {path} cannot be read ({exc.strerror}). "
                "Check its owner and permissions."
            ) from exc
        origin = path
    return ring_from_keys(texts, origin)


def key_ring() -> KeyRing:
    env_key = getattr(settings, "YORISOI_ENCRYPTION_KEY", "")
    path = str(settings.YORISOI_ENCRYPTION_KEY_FILE)
    # The file is re-read whenever it is replaced or touched, so a running process follows a
    # rotation (`rotate-key` replaces the file, which gives it a new inode).
    stamp: tuple = ()
    if not env_key:
        try:
            st = os.stat(path)
            stamp = (st.st_mtime_ns, st.st_ino, st.st_size)
        except OSError:
            stamp = (-1,)
    return _ring_for(env_key, path, stamp)


def encrypt(plaintext: str, ring: KeyRing | None = None) -> str:
    ring = ring or key_ring()
    nonce = os.urandom(12)
    sealed = AESGCM(ring.current).encrypt(nonce, plaintext.encode("utf-8"), PREFIX.encode())
    body = base64.b64encode(nonce + sealed).decode()
    return f"{PREFIX}:{key_id(ring.current)}:{body}"


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX + ":")


def decrypt(stored: str, ring: KeyRing | None = None) -> str:
    ring = ring or key_ring()
    try:
        _prefix, kid, body = stored.split(":", 2)
        blob = base64.b64decode(body)
    except (ValueError, binascii.Error) as exc:
        raise EncryptionKeyError("An encrypted value is damaged and cannot be read.") from exc
    key = ring.by_id(kid)
    if key is None:
        raise EncryptionKeyError(
            f"This value was encrypted with key {kid}, which is not in the current key ring. "
            "Restore the key file that was in use, or set YORISOI_ENCRYPTION_KEY to it."
        )
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], PREFIX.encode()).decode("utf-8")
    except InvalidTag as exc:
        raise EncryptionKeyError(f"An encrypted value failed its check under key {kid}.") from exc


class EncryptedTextField(models.TextField):
    """Free text encrypted at rest. Not searchable or orderable in SQL, by design."""

    description = _("暗号化されたテキスト")

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        if not is_encrypted(value):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if is_encrypted(value):
            return value
        return encrypt(value)


def encrypted_fields():
    """Every (model, field) pair holding encrypted text, for rotation and checks.

    Each column appears once: proxies and inherited fields are left to the model whose table
    holds the column.
    """
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def ring_from_keys(texts, origin: str = "the given keys") -> KeyRing:
    """A key ring from base64 key texts; the first encrypts."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        raise EncryptionKeyError(f"{origin} holds no key.")
    return KeyRing(tuple(_decode_key(t, origin) for t in texts))


def forget_cached_keys() -> None:
    """Drop cached key rings, so the next read sees a key file just rewritten."""
    _ring_for.cache_clear()


# Sent by `yorisoi rotate-key` after a rotation, with old_key_ids, new_key_id, values (how many
# were re-encrypted), mode and operator. The audit app records it; core cannot import audit.
key_rotated = Signal()
