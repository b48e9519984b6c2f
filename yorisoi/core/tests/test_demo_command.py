"""`yorisoi demo` (what `make demo` runs) prepares everything and refuses production."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_demo_prepares_key_and_data_and_a_second_run_changes_nothing(
    monkeypatch, settings, tmp_path
):
    settings.YORISOI_ENCRYPTION_KEY = ""
    settings.YORISOI_ENCRYPTION_KEY_FILE = tmp_path / "encryption.key"
    runs = []
    monkeypatch.setattr(
        "yorisoi.core.management.commands.loaddemo.demo_loaders",
        [(10, lambda stdout: runs.append("second")), (0, lambda stdout: runs.append("first"))],
    )

    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    key = settings.YORISOI_ENCRYPTION_KEY_FILE.read_text()
    call_command("demo", no_serve=True, stdout=out)

    assert runs == ["first", "second", "first", "second"]
    assert settings.YORISOI_ENCRYPTION_KEY_FILE.read_text() == key  # never overwritten
    assert "Created encryption key file" in out.getvalue()
    assert "already exists" in out.getvalue()
    assert "Demo data ready." in out.getvalue()


def test_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="does not run in production"):
        call_command("demo", no_serve=True)
