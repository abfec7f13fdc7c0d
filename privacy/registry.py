"""The personal-data registry: what each app holds about a member.

Each app that stores something about a person declares it once, in its own
``<app>/personal_data.py`` (found at start-up, like ``admin.py``)::

    from privacy.registry import register

    register(
        "notifications",
        description="Notifications received and e-mail preferences.",
        export=lambda user: [...],  # JSON-able data for the export archive
        erase=lambda user: ...,  # delete or anonymise, in the erasure's transaction
        purge=lambda now: 0,  # optional: drop what is past its retention; return a count
    )

``export`` returns what goes under that name in the member's archive;
``erase`` removes what identifies the member (it runs inside the erasure's
transaction, before the account row itself is anonymised, and must enqueue
search updates for anything searchable that changes); ``purge`` implements
the retention period of logs (``privacy.services.retention_cutoff(now)``
gives the configured ``PRIVACY["LOG_RETENTION_DAYS"]`` limit), and
``models`` lists the models (``"app.Model"``) whose rows about the member the
entry handles: ``tests/privacy/test_erasure.py`` fails while a model with a
foreign key to the user is not listed by some entry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], object]
Purger = Callable[[datetime], int]


@dataclass(frozen=True)
class PersonalData:
    name: str
    description: str
    export: Exporter | None = None
    erase: Eraser | None = None
    purge: Purger | None = None
    # Models whose rows about the user this entry handles (for the coverage test).
    models: tuple[str, ...] = field(default=())


_registry: dict[str, PersonalData] = {}


def register(
    name: str,
    *,
    description: str,
    export: Exporter | None = None,
    erase: Eraser | None = None,
    purge: Purger | None = None,
    models: tuple[str, ...] = (),
) -> None:
    """Declare personal data held under ``name`` (unique across the site)."""
    if name in _registry:
        raise ValueError(f"personal data {name!r} is already registered")
    _registry[name] = PersonalData(name, description, export, erase, purge, models)


def entries() -> list[PersonalData]:
    return [_registry[name] for name in sorted(_registry)]
