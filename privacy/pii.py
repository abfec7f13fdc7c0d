"""Find personal data pasted into public text: e-mail addresses, phone numbers,
card numbers (Luhn-valid) and API-key-like secrets; mask what is found.

Customers paste order confirmations and error logs into questions; the
posting forms warn before publishing (privacy.forms.PersonalDataCheckMixin)
and staff can mask a published post (privacy.services.post_personal_data_mask).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "key": gettext_lazy("an API key or password-like secret"),
    "email": gettext_lazy("an e-mail address"),
    "card": gettext_lazy("a payment card number"),
    "phone": gettext_lazy("a phone number"),
}

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# 13 to 19 digits, in groups separated by single spaces or dashes.
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
# A leading + or 0, then 8 to 14 more digits with the usual separators.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?|0)(?:\(?\d{1,4}\)?[ .-]?){2,6}\d{2,4}(?![\w-])"
    # North American numbers: (555) 123-4567, 1-800-555-0199.
    r"|(?<![\w-])(?:1[ .-])?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\w-])"
)
_KEYS = re.compile(
    r"\b(?:"
    r"(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{12,}"  # Stripe
    r"|AKIA[0-9A-Z]{16}"  # AWS access key id
    r"|gh[pousr]_[A-Za-z0-9]{30,}"  # GitHub
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|AIza[0-9A-Za-z_-]{35}"  # Google
    r"|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"  # a JWT
    r")"
    # Or a long run of letters and digits that mixes cases and digits, as
    # generated secrets do (commit hashes and words do not).
    r"|\b(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{32,}\b"
)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def hint(self) -> str:
        """The found text with most of it hidden, to show the author what we mean."""
        keep = 2 if len(self.text) > 6 else 1
        return self.text[:keep] + "…" + self.text[-keep:]


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def scan(text: str) -> list[Finding]:
    """Everything in ``text`` that looks like personal data, in order, without overlaps."""
    candidates: list[Finding] = []
    for match in _KEYS.finditer(text):
        candidates.append(Finding("key", match.start(), match.end(), match.group()))
    for match in _EMAIL.finditer(text):
        candidates.append(Finding("email", match.start(), match.end(), match.group()))
    for match in _CARD.finditer(text):
        if _luhn(_digits(match.group())):
            candidates.append(Finding("card", match.start(), match.end(), match.group()))
    for match in _PHONE.finditer(text):
        if 9 <= len(_digits(match.group())) <= 15:
            candidates.append(Finding("phone", match.start(), match.end(), match.group()))
    # Earlier kinds win where two overlap (a card number also looks like a phone number).
    found: list[Finding] = []
    for candidate in candidates:
        if all(candidate.end <= f.start or candidate.start >= f.end for f in found):
            found.append(candidate)
    return sorted(found, key=lambda f: f.start)


def mask(text: str) -> str:
    """``text`` with every finding replaced by a bracketed note of what was there."""
    replacements = {
        "key": _("[secret removed]"),
        "email": _("[e-mail address removed]"),
        "card": _("[card number removed]"),
        "phone": _("[phone number removed]"),
    }
    out, position = [], 0
    for finding in scan(text):
        out.append(text[position : finding.start])
        out.append(replacements[finding.kind])
        position = finding.end
    out.append(text[position:])
    return "".join(out)
