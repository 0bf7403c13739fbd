"""`groundswell api-key create ORG --scope read|write [--name NAME]`, `api-key list ORG`,
`api-key revoke PREFIX`: the key is printed once, on creation, and never again."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from groundswell.accounts.models import Organization
from groundswell.api.keys import api_key_create, api_key_revoke, api_keys_of
from groundswell.api.models import ApiKey, ApiScope


class Command(BaseCommand):
    help = "Create, list or revoke an organization's API keys."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a key (printed once)")
        create.add_argument("organization", help="the organization's short name (slug)")
        create.add_argument("--scope", choices=ApiScope.values, required=True)
        create.add_argument("--name", default="API key")
        listing = actions.add_parser("list", help="an organization's keys (never the secrets)")
        listing.add_argument("organization")
        revoke = actions.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            api_key = ApiKey.objects.filter(prefix=options["prefix"]).first()
            if api_key is None:
                raise CommandError(f"No API key with prefix {options['prefix']!r}.")
            revoked = api_key_revoke(api_key=api_key)
            self.stdout.write("revoked" if revoked else "already revoked")
            return
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization {options['organization']!r}.")
        if action == "create":
            new = api_key_create(
                organization=organization, name=options["name"], scope=options["scope"]
            )
            self.stderr.write("The key is shown once; store it in the tool that uses it.")
            self.stdout.write(new.secret)
            return
        for api_key in api_keys_of(organization=organization):
            if api_key.revoked_at:
                state = "revoked"
            else:
                works = api_key.works  # type: ignore[attr-defined]
                state = "active" if works else "stopped (its maker no longer manages)"
            used = api_key.last_used_at.isoformat() if api_key.last_used_at else "never used"
            self.stdout.write(f"{api_key.prefix}\t{api_key.scope}\t{state}\t{used}\t{api_key.name}")
