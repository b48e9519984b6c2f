"""A yes/no setting with a value that is neither refuses to start, naming the variable and the
words it accepts. Each case runs in a fresh process, because settings are read once at start."""

from __future__ import annotations

import pytest

from yorisoi.core.tests.test_production_settings import _production_env, _run


@pytest.mark.parametrize(
    ("variable", "value"),
    [("YORISOI_PRODUCTION", "ture"), ("YORISOI_REQUIRE_2FA", "maybe"), ("YORISOI_DEMO", "はい")],
)
def test_an_unknown_boolean_refuses_to_start(variable, value, tmp_path):
    result = _run(["-m", "yorisoi", "check"], {variable: value}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    accepted = "true, 1, yes, on (to turn it on) or false, 0, no, off (to turn it off)"
    assert f"{variable} must be one of {accepted}" in result.stderr
    assert repr(value) in result.stderr


def test_a_typo_in_a_production_only_boolean_is_caught_too(tmp_path):
    # YORISOI_HSTS_PRELOAD is read only in production mode.
    env = _production_env(YORISOI_HSTS_PRELOAD="flase")
    result = _run(["-m", "yorisoi", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "YORISOI_HSTS_PRELOAD must be one of" in result.stderr


@pytest.mark.parametrize("value", ["TRUE", " On "])
def test_the_accepted_words_start_in_any_case(value, tmp_path):
    result = _run(["-m", "yorisoi", "check"], _production_env(YORISOI_PRODUCTION=value), tmp_path)
    assert result.returncode == 0, result.stderr


def test_an_empty_value_means_the_default(tmp_path):
    result = _run(["-m", "yorisoi", "check"], {"YORISOI_PRODUCTION": ""}, tmp_path)
    assert result.returncode == 0, result.stderr
