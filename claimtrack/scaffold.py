"""``claimtrack plugins new``: write the skeleton of an installable, tested plugin package."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from claimtrack.errors import UsageError

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class PluginNames:
    """The names one plugin goes by: in ``claimtrack plugins``, on PyPI and in ``import``."""

    plugin: str  # the entry-point name, shown by ``claimtrack plugins`` and used by --disable
    distribution: str
    module: str


def plugin_names(name: str) -> PluginNames:
    """Derive the package's names from NAME; raise ``UsageError`` for an unusable name."""
    plugin = name.strip().lower().removeprefix("claimtrack-").removeprefix("claimtrack_")
    if not _NAME.match(plugin):
        raise UsageError(
            f"plugin name {name!r} must be lower-case letters and digits, words joined by - or _"
        )
    slug = plugin.replace("_", "-")
    return PluginNames(
        plugin=slug,
        distribution=f"claimtrack-{slug}",
        module=f"claimtrack_{slug.replace('-', '_')}",
    )


def scaffold(name: str, directory: Path | None = None) -> tuple[Path, list[Path]]:
    """Write a plugin package for ``name``; return its folder and the files written.

    The folder defaults to ``./claimtrack-NAME`` and must not exist yet or be empty.
    """
    names = plugin_names(name)
    root = directory if directory is not None else Path(names.distribution)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(f"{root} already exists and is not empty; choose another --dir")
    files = {
        Path("pyproject.toml"): PYPROJECT,
        Path(f"{names.module}.py"): MODULE,
        Path("tests") / f"test_{names.module}.py": TEST,
        Path("README.md"): README,
    }
    written = []
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**vars(names)), encoding="utf-8")
        written.append(path)
    return root, written


PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{distribution}"
version = "0.1.0"
description = "A claimtrack plugin."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["claimtrack>=0.1"]

# claimtrack loads every installed entry point of the `claimtrack` group: name = module.
[project.entry-points.claimtrack]
{plugin} = "{module}"

[project.optional-dependencies]
test = ["pytest>=8"]

[tool.setuptools]
py-modules = ["{module}"]

[tool.pytest.ini_options]
pythonpath = ["."]
testpaths = ["tests"]
"""

MODULE = '''\
"""{plugin}: a claimtrack extractor plugin.

Replace the rule below with your own. The hooks you can implement, what they receive and what
they must return are listed in ``claimtrack docs api``.
"""

from __future__ import annotations

from collections.abc import Iterator

from claimtrack import Article, Claim, hookimpl

__version__ = "0.1.0"


@hookimpl
def claimtrack_extract_claims(article: Article) -> Iterator[Claim]:
    """Yield each sentence holding a digit as a quantity claim."""
    for sentence in article.sentences:
        text = article.slice(sentence)
        if any(char.isdigit() for char in text):
            yield Claim.from_span(article, sentence.start, sentence.end, type="quantity", score=0.7)
'''

TEST = '''\
"""Tests for {plugin}, each run in a fresh plugin host by claimtrack.testing.run_plugins."""

import {module}
from claimtrack.testing import run_plugins


def test_yields_sentences_with_numbers() -> None:
    result = run_plugins("Prices rose 4% in May. Everyone was surprised.", {module})
    assert [claim.text for claim in result.claims] == ["Prices rose 4% in May."]
    assert result.claims[0].type == "quantity"
    assert not result.errors


def test_runs_beside_the_bundled_plugins() -> None:
    result = run_plugins("Prices rose 4% in May.", {module}, bundled=True)
    assert result.claims
    assert not result.errors
'''

README = """\
# {distribution}

A [claimtrack](https://pypi.org/project/claimtrack/) plugin, registered as `{plugin}`.

## Develop

Run it from its folder without installing it, then run its tests:

```sh
claimtrack scan --no-store --plugins-dir . article.txt
python -m pytest
```

## Install

```sh
pip install .
claimtrack plugins          # lists {plugin}
claimtrack scan --disable {plugin} article.txt   # runs without it
```
"""
