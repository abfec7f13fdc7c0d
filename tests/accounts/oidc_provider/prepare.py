"""Prepare the provider's database: its tables, a customer and the site as a client.

Run as ``python -m tests.accounts.oidc_provider.prepare CLIENT_ID SECRET REDIRECT_URI``.
"""

import sys

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

client_id, secret, redirect_uri = sys.argv[1:4]
call_command("migrate", verbosity=0)
customer = User.objects.create_user(
    "claire", "claire.martin@lumio.example", "provider-password", first_name="Claire",
    last_name="Martin",
)  # fmt: skip
Application.objects.create(
    name="Entraide",
    client_id=client_id,
    client_secret=secret,
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=redirect_uri,
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,
)
