"""Create a SCIM bearer token for a company from the command line (printed once)."""

from django.core.management.base import BaseCommand, CommandError

from portal.models import Company
from portal.scim.services import create_token


class Command(BaseCommand):
    help = "Create a SCIM provisioning token for a company and print it (it is not kept)."

    def add_arguments(self, parser):
        parser.add_argument("company", help="The company's slug.")
        parser.add_argument("--label", default="SCIM", help="Which identity provider uses it.")

    def handle(self, *args, company, label, **options):
        found = Company.objects.filter(slug=company).first()
        if found is None:
            raise CommandError(f"No company has the slug {company!r}.")
        token, secret = create_token(company=found, label=label)
        self.stderr.write(f"Token {token} for {found.name}; copy it now, it is not kept:")
        self.stdout.write(secret)
