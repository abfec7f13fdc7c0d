"""The personal-data scanner: what it finds, what it leaves alone, how it masks."""

import pytest

from privacy.pii import mask, scan


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("write to jean.dupont@example.fr today", "email", "jean.dupont@example.fr"),
        ("call +33 6 12 34 56 78 after six", "phone", "+33 6 12 34 56 78"),
        ("mon numéro : 06.12.34.56.78", "phone", "06.12.34.56.78"),
        ("US office (555) 123-4567", "phone", "(555) 123-4567"),
        ("card 4242 4242 4242 4242 charged twice", "card", "4242 4242 4242 4242"),
        ("card 4111-1111-1111-1111", "card", "4111-1111-1111-1111"),
        ("key sk_live_51HxYzAbCdEf0123456789 leaked", "key", "sk_live_51HxYzAbCdEf0123456789"),
        ("AWS AKIAIOSFODNN7EXAMPLE here", "key", "AKIAIOSFODNN7EXAMPLE"),
        ("token Zq3xR8vN2mK7pL4tW9yB6cF1hJ5dG0sA", "key", "Zq3xR8vN2mK7pL4tW9yB6cF1hJ5dG0sA"),
    ],
)
def test_finds_personal_data(text: str, kind: str, found: str) -> None:
    assert [(f.kind, f.text) for f in scan(text)] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "Firmware 2.1.3 released on 2026-11-26 at 10:30",
        "build 20261126 and version 10.0.19045.3693",
        "IP 192.168.1.10, port 8080, serial 1234-5678",
        # Not Luhn-valid: an order number, not a card.
        "order 4242 4242 4242 4241",
        # A commit hash (one case only) is not a secret.
        "commit 3f2a9c0e5b1d4a7f8e6c2b9d0a1f3e5c7b9d1a2f",
        "see https://help.example.com/articles/42 for details",
    ],
)
def test_leaves_ordinary_text_alone(text: str) -> None:
    assert scan(text) == []


def test_mask_replaces_each_finding_with_a_note() -> None:
    text = "Mail bob@example.com, card 4242424242424242, phone +44 20 7946 0958."
    assert mask(text) == (
        "Mail [e-mail address removed], card [card number removed], phone [phone number removed]."
    )
    assert mask("nothing here") == "nothing here"


def test_hint_shows_only_the_ends() -> None:
    (finding,) = scan("bob@example.com")
    assert finding.hint == "bo…om" and "example" not in finding.hint
