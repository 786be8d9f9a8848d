"""Per-database settings: the status vocabulary, its colours and ClaimReview ratings.

A database folder may hold ``config.toml`` (a team desk keeps the same text in its
``desk_settings`` table; ``claimtrack db config FILE`` sets either); without one the default
vocabulary applies::

    [organisation]              # the fact-checker named as ``author`` of ClaimReview exports
    name = "Example Checks"
    url = "https://checks.example.org"
    review_url = "https://checks.example.org/claims/{id}"   # {id}: the claim id

    [rating]                    # the scale ratings are given on
    best = 5
    worst = 1

    [statuses.verified]         # a [statuses] table replaces the default vocabulary
    colour = "green"
    rating = 5                  # ratingValue; omit for statuses with no place on the scale
    label = "True"              # alternateName
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from claimtrack.errors import UsageError

CONFIG_FILE = "config.toml"
#: The status every new claim starts with; always part of the vocabulary.
INITIAL_STATUS = "unverified"


@dataclass(frozen=True)
class Status:
    """One verdict a claim can have, how it is shown and how it maps to ClaimReview."""

    name: str
    colour: str = "white"
    rating: float | None = None
    label: str | None = None

    @property
    def reviewed(self) -> bool:
        """Whether this status is a verdict (has a ClaimReview rating) rather than a stage."""
        return self.label is not None


DEFAULT_VOCABULARY: tuple[Status, ...] = (
    Status("unverified", "white"),
    Status("in progress", "cyan"),
    Status("verified", "green", 5, "True"),
    Status("disputed", "yellow", 3, "Disputed"),
    Status("false", "red", 1, "False"),
    Status("misleading", "magenta", 2, "Misleading"),
    Status("unverifiable", "bright_black", None, "Unverifiable"),
)


@dataclass(frozen=True)
class Config:
    """The settings of one database."""

    statuses: tuple[Status, ...] = DEFAULT_VOCABULARY
    best_rating: float = 5
    worst_rating: float = 1
    organisation: str | None = None
    organisation_url: str | None = None
    review_url: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The valid status names, in vocabulary order."""
        return tuple(s.name for s in self.statuses)

    @property
    def colours(self) -> dict[str, str]:
        """Status name → rich colour."""
        return {s.name: s.colour for s in self.statuses}

    def status(self, name: str) -> Status:
        """The status called ``name``; raise ``UsageError`` listing the valid ones otherwise.

        Names match whatever their case, spaces, hyphens and underscores: ``in-progress``,
        ``In Progress`` and ``in_progress`` all name ``in progress`` (see :meth:`find`).
        """
        found = self.find(name)
        if found is None:
            raise UsageError(f"unknown status {name!r}; valid statuses: {', '.join(self.names)}")
        return found

    def find(self, name: str) -> Status | None:
        """The status ``name`` spells (as :meth:`status` matches), or None."""
        key = _status_key(name)
        return next((s for s in self.statuses if _status_key(s.name) == key), None)

    def status_for_rating(self, label: str | None, value: float | None) -> Status | None:
        """The status whose ClaimReview rating has this label (preferred) or value."""
        if label:
            for status in self.statuses:
                if status.label and status.label.casefold() == label.strip().casefold():
                    return status
        if value is not None:
            rated = [s for s in self.statuses if s.rating is not None]
            if rated:
                return min(rated, key=lambda s: abs((s.rating or 0) - value))
        return None


def _status_key(name: str) -> str:
    return _SEPARATORS.sub("", name).casefold()


_SEPARATORS = re.compile(r"[\s_-]+")


def parse_config_text(text: str, where: str = CONFIG_FILE) -> Config:
    """A ``Config`` from the text of a ``config.toml`` (a folder's, or a team desk's settings);
    raise ``UsageError`` naming ``where`` and the bad setting."""
    import tomllib  # only for databases that have settings of their own

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{where} is not valid TOML: {exc}") from exc
    return parse_config(raw, where)


def parse_config(raw: dict[str, Any], where: str = CONFIG_FILE) -> Config:
    """A ``Config`` from the parsed TOML; raise ``UsageError`` naming the bad setting."""
    organisation = _table(raw, "organisation", where)
    rating = _table(raw, "rating", where)
    statuses = DEFAULT_VOCABULARY
    if "statuses" in raw:
        defined = [
            _status(name, spec, where) for name, spec in _table(raw, "statuses", where).items()
        ]
        if INITIAL_STATUS not in {s.name for s in defined}:
            defined.insert(0, Status(INITIAL_STATUS))
        statuses = tuple(defined)
    try:
        best = float(rating.get("best", 5))
        worst = float(rating.get("worst", 1))
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{where}: [rating] best and worst must be numbers") from exc
    return Config(
        statuses=statuses,
        best_rating=best,
        worst_rating=worst,
        organisation=_text(organisation, "name", where),
        organisation_url=_text(organisation, "url", where),
        review_url=_text(organisation, "review_url", where),
    )


def _table(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise UsageError(f"{where}: [{key}] must be a table")
    return value


def _text(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{where}: {key} must be a string")
    return value


def _status(name: str, spec: Any, where: str) -> Status:
    if not isinstance(spec, dict):
        raise UsageError(f"{where}: [statuses.{name}] must be a table")
    value = spec.get("rating")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise UsageError(f"{where}: statuses.{name}.rating must be a number")
    label = spec.get("label")
    if label is None and value is not None:
        label = name.capitalize()
    return Status(
        name=name,
        colour=str(spec.get("colour", spec.get("color", "white"))),
        rating=float(value) if value is not None else None,
        label=str(label) if label is not None else None,
    )
