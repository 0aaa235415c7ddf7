"""Load the demo newspaper once; running it again changes nothing."""

from django.core.management.base import BaseCommand

from masthead.demo.loader import load_demo


class Command(BaseCommand):
    help = "Create the demo site, its sections, authors, series, stories and videos (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-password", default=None, help="password of the 'admin' superuser"
        )

    def handle(self, *args, admin_password=None, **options):
        created = load_demo(admin_password=admin_password)
        if options["verbosity"]:
            self.stdout.write(
                "Demo content loaded." if created else "Demo content already present."
            )
