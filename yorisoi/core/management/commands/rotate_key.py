"""`yorisoi rotate-key`: re-encrypt every encrypted value under a new key without losing any.

With a key file (the embedded default):
  1. checks that every stored value decrypts under the current key file;
  2. writes the file with the new key first and the old keys after it (running app processes
     re-read it: they write under the new key and still read the old);
  3. re-encrypts every value in batches, then verifies every value decrypts under the new key
     alone;
  4. saves the old keys to `<file>.retired-<timestamp>` (0600) and rewrites the file with only
     the new key.
An interrupted run leaves every value readable (each is under the new or an old key, and the file
holds both); running the command again finishes the rotation.

With YORISOI_ENCRYPTION_KEY from the environment the command cannot change the environment, so
it prints the steps: set YORISOI_ENCRYPTION_KEY="NEW,OLD", restart, run with --reencrypt-only,
then set it to NEW alone. `--new-key KEY` re-encrypts straight to KEY for an offline rotation.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from yorisoi.core.crypto import (
    EncryptionKeyError,
    KeyRing,
    decrypt,
    encrypt,
    encrypted_fields,
    forget_cached_keys,
    generate_key,
    is_encrypted,
    key_id,
    key_rotated,
    read_key_file,
    ring_from_keys,
)

KEY_FILE_HEADER = (
    "# Yorisoi encryption key. Back it up apart from the database: without it the\n"
    "# encrypted notes cannot be read. The first key encrypts; every key decrypts.\n"
)
RETIRED_HEADER = (
    "# Retired Yorisoi encryption key(s), replaced on {when} by key {new_id}.\n"
    "# No stored value needs them any more. Keep this file offline (not on the server)\n"
    "# until the backups made before the rotation have expired, then destroy it.\n"
)


@dataclass(frozen=True)
class Column:
    label: str
    table: str
    column: str
    pk: str


@dataclass
class Scan:
    values: int = 0
    changed: int = 0
    stale: int = 0  # still under another key (written by a process that had not seen the new)
    bad: list[str] | None = None

    def add_bad(self, text: str) -> None:
        self.bad = self.bad or []
        if len(self.bad) < 20:
            self.bad.append(text)


def encrypted_columns() -> list[Column]:
    tables = set(connection.introspection.table_names())
    columns = []
    for model, field in encrypted_fields():
        if model._meta.db_table not in tables:
            continue
        columns.append(
            Column(
                label=f"{model._meta.label}.{field.name}",
                table=model._meta.db_table,
                column=field.column,
                pk=model._meta.pk.column,
            )
        )
    return columns


def _batches(col: Column, batch_size: int):
    """(pk, stored) of every non-empty value, in pk order, batch by batch (memory stays flat)."""
    q = connection.ops.quote_name
    base = f"SELECT {q(col.pk)}, {q(col.column)} FROM {q(col.table)} WHERE {q(col.column)} <> ''"  # noqa: S608
    last = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(f"{base} ORDER BY {q(col.pk)} LIMIT %s", [batch_size])
            else:
                cursor.execute(
                    f"{base} AND {q(col.pk)} > %s ORDER BY {q(col.pk)} LIMIT %s",
                    [last, batch_size],
                )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def check_readable(columns: list[Column], ring: KeyRing, batch_size: int) -> Scan:
    scan = Scan()
    for col in columns:
        for rows in _batches(col, batch_size):
            for pk, stored in rows:
                scan.values += 1
                if not is_encrypted(stored):
                    continue
                try:
                    decrypt(stored, ring)
                except EncryptionKeyError as exc:
                    scan.add_bad(f"{col.label} id={pk}: {exc}")
    return scan


def reencrypt(columns: list[Column], ring: KeyRing, target: bytes, batch_size: int, out) -> Scan:
    target_id = key_id(target)
    target_ring = KeyRing((target,))
    q = connection.ops.quote_name
    scan = Scan()
    for col in columns:
        update = (
            f"UPDATE {q(col.table)} SET {q(col.column)} = %s "  # noqa: S608
            f"WHERE {q(col.pk)} = %s AND {q(col.column)} = %s"
        )
        changed_here = 0
        for rows in _batches(col, batch_size):
            with transaction.atomic(), connection.cursor() as cursor:
                for pk, stored in rows:
                    scan.values += 1
                    if is_encrypted(stored) and stored.split(":", 2)[1] == target_id:
                        continue
                    plain = decrypt(stored, ring) if is_encrypted(stored) else stored
                    # Compare-and-set: a value the app changed meanwhile is left to the verify
                    # pass rather than overwritten with older text.
                    cursor.execute(update, [encrypt(plain, target_ring), pk, stored])
                    changed_here += cursor.rowcount
        scan.changed += changed_here
        out.write(f"  {col.label}: {changed_here} re-encrypted")
    return scan


def verify_under(columns: list[Column], target: bytes, batch_size: int) -> Scan:
    target_id = key_id(target)
    target_ring = KeyRing((target,))
    scan = Scan()
    for col in columns:
        for rows in _batches(col, batch_size):
            for pk, stored in rows:
                scan.values += 1
                if not is_encrypted(stored) or stored.split(":", 2)[1] != target_id:
                    scan.stale += 1
                    continue
                try:
                    decrypt(stored, target_ring)
                except EncryptionKeyError as exc:
                    scan.add_bad(f"{col.label} id={pk}: {exc}")
    return scan


def write_private_file(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write a file readable by its owner only, atomically unless `exclusive`."""
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        return
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def write_key_file(path: Path, keys: list[str]) -> None:
    write_private_file(path, KEY_FILE_HEADER + "".join(k + "\n" for k in keys))
    forget_cached_keys()


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under a new key. With a key file this is one step; "
        "with YORISOI_ENCRYPTION_KEY it prints the steps (see --reencrypt-only, --new-key)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key",
            metavar="KEY",
            help="Use this base64 key as the new key instead of generating one.",
        )
        parser.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="Re-encrypt every value under the first key already configured and verify; "
            "no new key is made and the key file is not changed.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        self.batch_size = max(1, options["batch_size"])
        self.columns = encrypted_columns()
        try:
            if settings.YORISOI_ENCRYPTION_KEY:
                self._env_mode(options)
            else:
                self._file_mode(options)
        except EncryptionKeyError as exc:
            raise CommandError(str(exc)) from exc

    # -- shared steps -------------------------------------------------------------------------

    def _check_readable(self, ring: KeyRing) -> None:
        scan = check_readable(self.columns, ring, self.batch_size)
        if scan.bad:
            raise CommandError(
                "Some stored values cannot be decrypted with the keys configured now, so nothing "
                "was changed. Add the key they were written with, then run again:\n  "
                + "\n  ".join(scan.bad)
            )
        self.stdout.write(f"{scan.values} encrypted values checked: all readable.")

    def _reencrypt_and_verify(self, ring: KeyRing, target: bytes) -> int:
        self.stdout.write(f"Re-encrypting under key {key_id(target)}:")
        changed = reencrypt(self.columns, ring, target, self.batch_size, self.stdout).changed
        for _attempt in range(3):
            scan = verify_under(self.columns, target, self.batch_size)
            if scan.bad:
                raise CommandError(
                    "Verification failed: these values do not decrypt under the new key. "
                    "The old keys are still configured, so nothing is lost:\n  "
                    + "\n  ".join(scan.bad)
                )
            if not scan.stale:
                self.stdout.write(
                    f"Verified: all {scan.values} values decrypt under key {key_id(target)}."
                )
                return changed
            # Written meanwhile by a process still using an old key: one more pass.
            changed += reencrypt(self.columns, ring, target, self.batch_size, self.stdout).changed
        raise CommandError(
            f"{scan.stale} values are still not under the new key after three passes; another "
            "process keeps writing with an old key. Restart the app processes and run again."
        )

    def _announce(self, *, old_ids, new_id: str, values: int, mode: str) -> None:
        try:
            operator = getpass.getuser()
        except (KeyError, OSError):
            operator = ""
        key_rotated.send(
            sender=self.__class__,
            old_key_ids=[i for i in old_ids if i != new_id],
            new_key_id=new_id,
            values=values,
            mode=mode,
            operator=operator,
        )

    # -- key file -----------------------------------------------------------------------------

    def _file_mode(self, options) -> None:
        path = Path(settings.YORISOI_ENCRYPTION_KEY_FILE)
        if not path.exists():
            raise CommandError(
                f"No key file at {path} and YORISOI_ENCRYPTION_KEY is not set. "
                "Create one with `yorisoi initkey` (there is nothing to rotate yet)."
            )
        texts = read_key_file(path)
        ring = ring_from_keys(texts, str(path))
        old_ids = [key_id(k) for k in ring.keys]

        if options["reencrypt_only"]:
            self._check_readable(ring)
            changed = self._reencrypt_and_verify(ring, ring.current)
            self._announce(
                old_ids=old_ids, new_id=key_id(ring.current), values=changed, mode="reencrypt-only"
            )
            self.stdout.write(self.style.SUCCESS("Done. The key file was not changed."))
            return

        if len(texts) > 1:
            self.stdout.write(
                f"The key file holds {len(texts)} keys: finishing the rotation to the first one "
                f"({key_id(ring.current)})."
            )
            if options["new_key"]:
                raise CommandError(
                    "The key file already holds a rotation in progress; run again without "
                    "--new-key to finish it first."
                )
            self._check_readable(ring)
            new_text, old_texts = texts[0], texts[1:]
        else:
            self._check_readable(ring)
            new_text = (options["new_key"] or generate_key()).strip()
            ring_from_keys([new_text], "--new-key")  # refuse a malformed key before writing
            if key_id(ring_from_keys([new_text]).current) in old_ids:
                raise CommandError("The new key is the key in use now; give a different key.")
            old_texts = texts
            write_key_file(path, [new_text, *old_texts])
            self.stdout.write(f"Key file now holds the new key first and the old key after: {path}")
            ring = ring_from_keys([new_text, *old_texts], str(path))

        new_key = ring.current
        changed = self._reencrypt_and_verify(ring, new_key)

        retired = self._retire(path, old_texts, key_id(new_key))
        write_key_file(path, [new_text])
        self._announce(old_ids=old_ids, new_id=key_id(new_key), values=changed, mode="key file")
        self.stdout.write(self.style.SUCCESS(f"Done. {path} now holds only key {key_id(new_key)}."))
        self.stderr.write(
            self.style.WARNING(
                f"WARNING: the old key was saved to {retired}. Move it OFFLINE now (not on this "
                "server); it is needed only to read backups made before this rotation."
            )
        )

    def _retire(self, path: Path, old_texts: list[str], new_id: str) -> Path:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        retired = path.with_name(f"{path.name}.retired-{stamp}")
        n = 1
        while retired.exists():
            n += 1
            retired = path.with_name(f"{path.name}.retired-{stamp}-{n}")
        header = RETIRED_HEADER.format(when=timezone.localtime().isoformat(), new_id=new_id)
        write_private_file(retired, header + "".join(k + "\n" for k in old_texts), exclusive=True)
        return retired

    # -- environment --------------------------------------------------------------------------

    def _env_mode(self, options) -> None:
        ring = ring_from_keys(settings.YORISOI_ENCRYPTION_KEY.split(","), "YORISOI_ENCRYPTION_KEY")
        old_ids = [key_id(k) for k in ring.keys]

        if options["new_key"]:
            new_text = options["new_key"].strip()
            new_key = ring_from_keys([new_text], "--new-key").current
            if key_id(new_key) in old_ids:
                raise CommandError(
                    "That key is already in YORISOI_ENCRYPTION_KEY; use --reencrypt-only."
                )
            self._check_readable(ring)
            full = KeyRing((new_key, *ring.keys))
            changed = self._reencrypt_and_verify(full, new_key)
            self._announce(old_ids=old_ids, new_id=key_id(new_key), values=changed, mode="env")
            self.stdout.write(self.style.SUCCESS("Done. Every value is under the new key."))
            self.stderr.write(
                self.style.WARNING(
                    "NOW set YORISOI_ENCRYPTION_KEY to the new key alone for every app process "
                    "and restart them: until then they cannot read the re-encrypted values. "
                    "Keep the old key OFFLINE; it is needed only to read older backups."
                )
            )
            return

        if options["reencrypt_only"]:
            self._check_readable(ring)
            changed = self._reencrypt_and_verify(ring, ring.current)
            self._announce(old_ids=old_ids, new_id=key_id(ring.current), values=changed, mode="env")
            self.stdout.write(self.style.SUCCESS("Done. Every value is under the first key."))
            if len(ring.keys) > 1:
                self.stderr.write(
                    self.style.WARNING(
                        "Now set YORISOI_ENCRYPTION_KEY to the first key alone and restart the "
                        "app. Keep the old key(s) OFFLINE; they are needed only for older backups."
                    )
                )
            return

        new_text = generate_key()
        self.stdout.write(
            "YORISOI_ENCRYPTION_KEY comes from the environment, which this command cannot "
            "change. A new key was generated (it is not stored anywhere yet):\n\n"
            f"  {new_text}\n\n"
            "To rotate without downtime:\n"
            '  1. Set YORISOI_ENCRYPTION_KEY="NEW,OLD" (the new key above, a comma, then the '
            "current value) for every app process and restart them.\n"
            "  2. Run: yorisoi rotate-key --reencrypt-only\n"
            '  3. Set YORISOI_ENCRYPTION_KEY="NEW" alone, restart, and keep the old key offline.\n'
            "Or, with the app stopped: yorisoi rotate-key --new-key NEW\n"
            "Nothing was changed."
        )
