"""In the demo configuration, one command is enough: `yorisoi demo` runs queued tasks in its own
process, and the mail they send can be read under var/mail/, as README says. Runs the real
command in a fresh process with the demo's settings (daphne replaced by a probe that signs a user
in the way the web page does and waits for the mail)."""

from __future__ import annotations

import json
import textwrap

from yorisoi.core.tests.test_production_settings import _run

DEMO_SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from pathlib import Path
    from django.conf import settings
    from django.core.management import call_command
    import daphne.cli
    from yorisoi.core import registry

    registry.demo_loaders.clear()  # the fictional data is not what this test is about

    def serve(self, argv):
        from django.test import Client
        from yorisoi.accounts.models import User
        from yorisoi.core.background import wait_for
        from django_tasks_db.models import DBTaskResult

        User.objects.create_user(
            "mailprobe", email="mailprobe@example.org", password="probe-password-1234"
        )
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": "mailprobe", "password": "probe-password-1234"}
        )
        queued = DBTaskResult.objects.get()
        result = wait_for(queued.task_result, timeout=60)
        files = sorted(Path(settings.EMAIL_FILE_PATH).glob("*.log"))
        print("RESULT" + json.dumps({
            "login": response.status_code,
            "status": result.status,
            "files": [f.read_text() for f in files],
        }))

    daphne.cli.CommandLineInterface.run = serve
    call_command("demo", port=8199)
    """
)


def test_the_demo_runs_a_queued_mail_without_a_second_command(tmp_path):
    result = _run(["-c", DEMO_SCRIPT], {"DJANGO_SETTINGS_MODULE": "yorisoi.settings"}, tmp_path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.split("RESULT", 1)[1])
    mail_dir = tmp_path / "var" / "mail"
    assert f"mail is written to files in {mail_dir}/" in result.stdout

    assert out["login"] == 302
    assert out["status"] == "SUCCESSFUL"
    [text] = out["files"]
    subject = "【寄り添い】新しいブラウザからログインがありました"
    assert f"To: mailprobe@example.org\nSubject: {subject}" in text
    assert "これまでに使われていないブラウザからログインがありました" in text
    assert "http://127.0.0.1:8199/accounts/security/" in text
