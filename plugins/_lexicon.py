"""The contradiction lexicon: frames and opposite words, read from TOML files.

The bundled ``data/frames.toml`` is read first, then ``frames.toml`` in claimtrack's config
folder, then every file named in ``CLAIMTRACK_FRAMES`` (paths separated by ``os.pathsep``). A
later frame with the name of an earlier one replaces it; ``enabled = false`` removes it.
Opposite-word pairs from all files are added together. The format is described in
``data/frames.toml`` and ``docs/contradictions.md``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

from claimtrack_plugins._regex import LazyPattern

FRAMES_ENV = "CLAIMTRACK_FRAMES"
_PLACEHOLDER = LazyPattern(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class Frame:
    """A framing (``claim`` patterns) and the statements that deny it (``denial`` templates)."""

    name: str
    claim: tuple[re.Pattern[str], ...]
    denial: tuple[str, ...]
    explain: str
    min_shared: int = 0

    def denials(self, groups: Mapping[str, str]) -> list[re.Pattern[str]]:
        """The denial patterns with ``{group}`` placeholders filled from a claim match."""
        out = []
        for template in self.denial:
            names = _PLACEHOLDER.findall(template)
            if any(not groups.get(name) for name in names):
                continue
            pattern = _PLACEHOLDER.sub(lambda m: _fill(m, groups), template)
            out.append(re.compile(pattern))
        return out


def _fill(match: re.Match[str], groups: Mapping[str, str]) -> str:
    name = match.group(1)
    return re.escape(groups[name]) if name in groups else match.group(0)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every frame, and the opposite-word map (``"unsafe" -> "safe"``) the polarity check uses."""

    frames: tuple[Frame, ...]
    opposites: Mapping[str, str]


def lexicon_paths() -> list[Path]:
    """The lexicon files read, in order: bundled, user config folder, ``CLAIMTRACK_FRAMES``."""
    paths = [_bundled_path()]
    user = _user_path()
    if user.is_file():
        paths.append(user)
    extra = os.environ.get(FRAMES_ENV, "")
    paths.extend(Path(p).expanduser() for p in extra.split(os.pathsep) if p.strip())
    return paths


# Both folders are looked up once: they do not move while claimtrack runs, and a scan asks for
# the lexicon once per article. Whether the user's file exists is still checked each time.
@cache
def _bundled_path() -> Path:
    return Path(str(resources.files("claimtrack_plugins") / "data" / "frames.toml"))


@cache
def _user_path() -> Path:
    return Path(platformdirs.user_config_dir("claimtrack")) / "frames.toml"


def load_lexicon(paths: Iterable[Path] | None = None) -> Lexicon:
    """Read and merge the lexicon files; raise ``ValueError`` naming the file for a bad entry."""
    key = tuple(str(p) for p in (lexicon_paths() if paths is None else paths))
    return _load(key)


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> Lexicon:
    frames: dict[str, Frame | None] = {}
    opposites: dict[str, str] = {}
    for path in paths:
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"contradiction lexicon {path}: {exc}") from exc
        for entry in data.get("frame", []):
            name = str(entry.get("name", ""))
            if not name:
                raise ValueError(f"contradiction lexicon {path}: a [[frame]] has no name")
            frames[name] = _frame(path, entry) if entry.get("enabled", True) else None
        for pair in data.get("polarity", {}).get("opposites", []):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ValueError(f"contradiction lexicon {path}: opposites need [word, opposite]")
            opposites[str(pair[1]).lower()] = str(pair[0]).lower()
    return Lexicon(tuple(f for f in frames.values() if f), opposites)


def _frame(path: str, entry: dict[str, Any]) -> Frame:
    name = entry["name"]
    try:
        claim = tuple(re.compile(p) for p in entry.get("claim", []))
        denial = tuple(str(p) for p in entry.get("denial", []))
        for template in denial:
            re.compile(_PLACEHOLDER.sub("x", template))
    except re.error as exc:
        raise ValueError(
            f"contradiction lexicon {path}: frame {name!r}: bad pattern: {exc}"
        ) from exc
    if not claim or not denial:
        raise ValueError(f"contradiction lexicon {path}: frame {name!r} needs claim and denial")
    return Frame(
        name=name,
        claim=claim,
        denial=denial,
        explain=str(entry.get("explain", "{a} conflicts with {b}.")),
        min_shared=int(entry.get("min_shared", 0)),
    )
