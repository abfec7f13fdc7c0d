"""A real OpenID Connect provider (django-oauth-toolkit) for the SSO test.

It runs as its own Django project in a separate process, with its own SQLite
database, on a free port of 127.0.0.1: the site under test talks to it over
HTTP exactly as it would to a brand's customer-account provider.
"""
