"""`yorisoi audit verify`: check that nobody edited, deleted or reordered audit rows."""

from django.core.management.base import BaseCommand, CommandError

from yorisoi.audit.integrity import BATCH_SIZE, verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks the hash chain and names the first bad row."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, title="subcommands")
        verify = sub.add_parser(
            "verify", help="Recompute every hash and link; exit 1 at the first bad row."
        )
        verify.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            self._verify(batch_size=max(1, options["batch_size"]))

    def _verify(self, *, batch_size: int) -> None:
        report = verify_chain(batch_size=batch_size)
        if not report.ok:
            problem = report.problem
            where = f"first bad row: #{problem.event_id}" if problem.event_id else "chain head"
            raise CommandError(
                f"Audit log is NOT intact ({where}): {problem.message} "
                f"{report.count} events before it verified.",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log intact: {report.count} events verified"
                + (f", last #{report.last_id}." if report.count else ".")
            )
        )
