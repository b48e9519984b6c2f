"""Sensitive text never reaches the database in plain text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from yorisoi.cases.models import Contact
from yorisoi.core.crypto import generate_key
from yorisoi.people.models import Person

from .test_crypto_support import make_sensitive_rows, raw_value

YORISOI = Path(sys.executable).with_name("yorisoi")


@pytest.mark.django_db
def test_raw_columns_hold_ciphertext_only(center1, worker1):
    person, contact = make_sensitive_rows(center1, worker1, n=1)[0]
    stored_address = raw_value(Person, "address", person.pk)
    stored_note = raw_value(Contact, "note", contact.pk)
    assert stored_address.startswith("enc1:") and "秘密" not in stored_address
    assert stored_note.startswith("enc1:") and "部屋から出ていない" not in stored_note
    assert Person.objects.get(pk=person.pk).address == "北区北0条西2丁目 秘密0"


def test_the_sqlite_file_bytes_hold_no_plain_text(tmp_path):
    """Through the real commands, against a database file of its own."""
    db = tmp_path / "at-rest.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "YORISOI_ENCRYPTION_KEY": generate_key(),
        "YORISOI_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run([YORISOI, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
    script = (
        "from yorisoi.people.models import Person\n"
        "p = Person.objects.create(\n"
        "    nickname='PLAINMARKERNICK', address='SECRETADDRESS 北区秘密町1-2-3')\n"
        "assert Person.objects.get(pk=p.pk).address.startswith('SECRETADDRESS')\n"
        "from django.db import connection\n"
        "connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')\n"
    )
    subprocess.run([YORISOI, "shell", "-c", script], env=env, check=True)  # noqa: S603

    data = b"".join(p.read_bytes() for p in tmp_path.glob("at-rest.sqlite3*"))
    assert b"PLAINMARKERNICK" in data  # the search itself works on this file
    assert b"SECRETADDRESS" not in data
    assert "北区秘密町".encode() not in data
