"""The per-user configuration file: settings that follow the user rather than one database.

``~/.config/claimtrack/config.toml`` on Linux (platformdirs elsewhere)::

    [nlp]
    model = "en_core_web_trf"        # the spaCy pipeline (CLAIMTRACK_SPACY_MODEL wins)

    [checkworthiness]
    encoder = "minilm"               # the transformer extra (CLAIMTRACK_CHECKWORTHY_ENCODER wins)

    [db]
    location = "postgresql://ana@desk.example.org/claims"   # or a folder (CLAIMTRACK_DB wins)

A database's own settings (its status vocabulary) live in its folder (:mod:`claimtrack.config`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from claimtrack.errors import UsageError


def user_config_file() -> Path:
    """The per-user configuration file (``~/.config/claimtrack/config.toml`` on Linux)."""
    from platformdirs import user_config_path

    return user_config_path("claimtrack") / "config.toml"


def user_setting(section: str, key: str) -> str | None:
    """The value of ``key`` under ``[section]`` in the user configuration, None when unset.

    An unreadable or malformed file is a :class:`UsageError` naming the file.
    """
    path = user_config_file()
    try:
        with path.open("rb") as handle:
            settings = tomllib.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the configuration: {exc}") from exc
    table = settings.get(section)
    value = table.get(key) if isinstance(table, dict) else None
    return str(value) if value else None
