"""`yorisoi instruments validate FILE` runs the same validation for operators."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

BAD = """\
id: bad
version: 1
labels: {ja: 悪い例, en: Bad example}
items:
  - {id: a, type: scale, min: 0, max: 4, labels: {ja: a, en: a}}
  - {id: a, type: checkbox, labels: {ja: b, en: b}}
scoring:
  range: [0, 4]
  bands:
    - {code: low, min: 0, max: 1, labels: {ja: 低, en: Low}}
    - {code: high, min: 3, max: 4, labels: {ja: 高, en: High}}
"""
BUILTIN_DIR = Path(__file__).resolve().parents[1] / "instruments"


def test_valid_files_pass_with_exit_status_zero():
    out = StringIO()
    call_command("instruments", "validate", str(BUILTIN_DIR / "k6.yaml"), stdout=out)
    assert "OK (k6 v1)" in out.getvalue()


def test_a_bad_file_lists_each_problem_with_its_line_and_fails(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("instruments", "validate", str(path), stderr=err, stdout=StringIO())
    assert error.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert any(line.startswith(f"{path}:6:") and "「a」" in line for line in lines)
    assert any(line.startswith(f"{path}:6:") and "checkbox" in line for line in lines)
    assert any(line.startswith(f"{path}:11:") and "2点" in line for line in lines)


def test_messages_in_english_on_request(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("instruments", "--lang", "en", "validate", str(path), stderr=err)
    assert "Allowed types: single_choice" in err.getvalue()
    assert "行目" not in err.getvalue()


def test_the_console_command_exits_non_zero(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-m", "yorisoi", "instruments", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert f"{path}:6:" in result.stderr


def test_a_missing_file_is_reported(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("instruments", "validate", str(tmp_path / "none.yaml"), stderr=err)
    assert "none.yaml" in err.getvalue()


def test_list_shows_the_builtins():
    out = StringIO()
    call_command("instruments", "list", stdout=out)
    assert "outing\tv2" in out.getvalue()
    assert "k6\tv1" in out.getvalue()
