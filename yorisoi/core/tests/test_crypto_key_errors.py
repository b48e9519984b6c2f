"""A missing or wrong key gives a clear EncryptionKeyError, and pages show a calm error."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from yorisoi.core.crypto import EncryptionKeyError, forget_cached_keys, generate_key
from yorisoi.core.middleware import EncryptionKeyErrorMiddleware
from yorisoi.people.models import Person


@login_not_required  # the probe is about the key, not about signing in
def read_address(request, pk):
    return HttpResponse(Person.objects.get(pk=pk).address)


urlpatterns = [path("address/<int:pk>/", read_address)]


@pytest.fixture
def no_key(settings, tmp_path):
    settings.YORISOI_ENCRYPTION_KEY = ""
    settings.YORISOI_ENCRYPTION_KEY_FILE = tmp_path / "missing.key"
    forget_cached_keys()


@pytest.mark.django_db
def test_saving_without_any_key_says_how_to_provide_one(no_key):
    with pytest.raises(EncryptionKeyError, match="No encryption key: set YORISOI_ENCRYPTION_KEY"):
        Person.objects.create(address="北区1-2-3")


@pytest.mark.django_db
def test_reading_without_any_key_says_how_to_provide_one(settings, tmp_path):
    person = Person.objects.create(address="北区1-2-3")
    settings.YORISOI_ENCRYPTION_KEY = ""
    settings.YORISOI_ENCRYPTION_KEY_FILE = tmp_path / "missing.key"
    with pytest.raises(EncryptionKeyError, match="initkey"):
        Person.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_reading_with_a_different_key_names_the_missing_key(settings):
    person = Person.objects.create(address="北区1-2-3")
    settings.YORISOI_ENCRYPTION_KEY = generate_key()
    with pytest.raises(EncryptionKeyError, match="not in the current key ring"):
        Person.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_a_malformed_key_is_reported_as_such(settings):
    settings.YORISOI_ENCRYPTION_KEY = "short"
    with pytest.raises(EncryptionKeyError, match=r"32 bytes|base64"):
        Person.objects.create(address="北区1-2-3")


@pytest.mark.django_db
def test_an_unreadable_key_file_is_reported(settings, tmp_path):
    directory = tmp_path / "a-directory.key"
    directory.mkdir()
    settings.YORISOI_ENCRYPTION_KEY = ""
    settings.YORISOI_ENCRYPTION_KEY_FILE = directory
    with pytest.raises(EncryptionKeyError, match="cannot be read"):
        Person.objects.create(address="北区1-2-3")


def test_middleware_turns_a_key_error_into_a_calm_page(caplog):
    request = RequestFactory().get("/people/1/")
    middleware = EncryptionKeyErrorMiddleware(lambda r: HttpResponse())
    with caplog.at_level(logging.ERROR, logger="yorisoi.core.middleware"):
        response = middleware.process_exception(request, EncryptionKeyError("key abcd1234 gone"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "暗号鍵" in page and "システム管理者に連絡" in page
    assert "encryption key" in page and "contact your system administrator" in page
    assert "Traceback" not in page
    assert "key abcd1234 gone" in caplog.text


def test_middleware_leaves_other_errors_alone():
    request = RequestFactory().get("/")
    middleware = EncryptionKeyErrorMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(request, ValueError("x")) is None


@pytest.mark.django_db
@pytest.mark.urls("yorisoi.core.tests.test_crypto_key_errors")
def test_a_page_that_decrypts_with_the_wrong_key_shows_the_calm_page(client, settings):
    person = Person.objects.create(address="北区1-2-3")
    assert client.get(f"/address/{person.pk}/").content.decode() == "北区1-2-3"
    settings.YORISOI_ENCRYPTION_KEY = generate_key()
    client.raise_request_exception = False
    response = client.get(f"/address/{person.pk}/")
    assert response.status_code == 500
    assert "暗号鍵" in response.content.decode()
    assert "北区" not in response.content.decode()
