"""`yorisoi rotate-key` re-encrypts every value under a new key and loses none."""

from __future__ import annotations

import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from yorisoi.audit.models import AuditEvent
from yorisoi.cases.models import Contact
from yorisoi.core.crypto import (
    EncryptionKeyError,
    KeyRing,
    decrypt,
    encrypt,
    forget_cached_keys,
    generate_key,
    key_id,
    read_key_file,
    ring_from_keys,
)
from yorisoi.people.models import Person

from .test_crypto_support import make_sensitive_rows, raw_value


@pytest.fixture
def key_file(settings, tmp_path):
    """Key-file mode: no key in the environment, one key in a file."""
    path = tmp_path / "encryption.key"
    old = generate_key()
    path.write_text(f"# comment\n{old}\n")
    settings.YORISOI_ENCRYPTION_KEY = ""
    settings.YORISOI_ENCRYPTION_KEY_FILE = path
    forget_cached_keys()
    return path, old


def rotate(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rotate-key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read_back(rows):
    return [
        (Person.objects.get(pk=p.pk).address, Contact.objects.get(pk=c.pk).note) for p, c in rows
    ]


@pytest.mark.django_db
def test_rotation_with_a_key_file_round_trip(key_file, center1, worker1):
    path, old = key_file
    rows = make_sensitive_rows(center1, worker1)
    before = read_back(rows)
    raw_before = raw_value(Contact, "note", rows[0][1].pk)

    out, err = rotate()

    assert read_back(rows) == before
    raw_after = raw_value(Contact, "note", rows[0][1].pk)
    assert raw_after != raw_before
    new_keys = read_key_file(path)
    assert len(new_keys) == 1 and new_keys[0] != old
    assert raw_after.startswith(f"enc1:{key_id(ring_from_keys(new_keys).current)}:")
    with pytest.raises(EncryptionKeyError):
        decrypt(raw_after, ring_from_keys([old]))
    retired = list(path.parent.glob("encryption.key.retired-*"))
    assert len(retired) == 1
    assert read_key_file(retired[0]) == [old]
    assert stat.S_IMODE(retired[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "OFFLINE" in err and str(retired[0]) in err
    assert "Verified" in out


@pytest.mark.django_db
def test_rotation_is_recorded_in_the_audit_log(key_file, center1, worker1):
    make_sensitive_rows(center1, worker1, n=2)
    rotate()
    event = AuditEvent.objects.get(action="security", object_type="core.encryption_key")
    assert event.object_id == key_id(ring_from_keys(read_key_file(key_file[0])).current)
    assert "6 values re-encrypted" in event.reason  # 2 addresses, 2 risk notes, 2 notes


@pytest.mark.django_db
def test_an_interrupted_rotation_is_finished_by_running_again(key_file, center1, worker1):
    path, old = key_file
    rows = make_sensitive_rows(center1, worker1)
    before = read_back(rows)
    # As if a run wrote the new key first and re-encrypted one value before it stopped.
    new = generate_key()
    path.write_text(f"{new}\n{old}\n")
    forget_cached_keys()
    contact = Contact.objects.get(pk=rows[0][1].pk)
    contact.note = contact.note  # re-saved under the file's first key
    contact.save()
    assert read_back(rows) == before  # both keys readable meanwhile

    out, _err = rotate()

    assert "finishing the rotation" in out
    assert read_key_file(path) == [new]
    assert read_back(rows) == before
    for _p, c in rows:
        assert raw_value(Contact, "note", c.pk).startswith(
            f"enc1:{key_id(ring_from_keys([new]).current)}:"
        )


@pytest.mark.django_db
def test_a_value_under_an_unknown_key_stops_the_rotation_before_any_change(
    key_file, center1, worker1
):
    path, old = key_file
    rows = make_sensitive_rows(center1, worker1)
    foreign = encrypt("他の鍵で書かれた値", KeyRing((ring_from_keys([generate_key()]).current,)))
    Contact.objects.filter(pk=rows[1][1].pk).update(note=foreign)

    with pytest.raises(CommandError, match="cannot be decrypted"):
        rotate()

    assert read_key_file(path) == [old]
    assert not list(path.parent.glob("*.retired-*"))


@pytest.mark.django_db
def test_env_key_without_options_prints_a_new_key_and_the_steps(settings, center1, worker1):
    rows = make_sensitive_rows(center1, worker1, n=1)
    raw_before = raw_value(Contact, "note", rows[0][1].pk)
    out, _err = rotate()
    assert 'YORISOI_ENCRYPTION_KEY="NEW,OLD"' in out
    assert "--reencrypt-only" in out
    assert raw_value(Contact, "note", rows[0][1].pk) == raw_before


@pytest.mark.django_db
def test_env_key_reencrypt_only_moves_every_value_to_the_first_key(settings, center1, worker1):
    rows = make_sensitive_rows(center1, worker1)
    before = read_back(rows)
    old = settings.YORISOI_ENCRYPTION_KEY
    new = generate_key()
    settings.YORISOI_ENCRYPTION_KEY = f"{new},{old}"

    _out, err = rotate("--reencrypt-only")

    assert "first key alone" in err
    settings.YORISOI_ENCRYPTION_KEY = new  # the old key is no longer needed
    assert read_back(rows) == before


@pytest.mark.django_db
def test_env_key_with_new_key_reencrypts_to_it(settings, center1, worker1):
    rows = make_sensitive_rows(center1, worker1)
    before = read_back(rows)
    new = generate_key()

    rotate("--new-key", new)

    settings.YORISOI_ENCRYPTION_KEY = new
    assert read_back(rows) == before


@pytest.mark.django_db
def test_a_malformed_new_key_is_refused(settings, center1, worker1):
    make_sensitive_rows(center1, worker1, n=1)
    with pytest.raises(CommandError, match=r"base64|32 bytes"):
        rotate("--new-key", "not-a-key")
