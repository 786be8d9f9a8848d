"""docs/tutorial.md followed literally: its code, its commands in order, what it says they print.

The commands run in a scratch copy of the checkout's ``examples/promises`` (offline, never
touching a real database: ``CLAIMTRACK_DB`` points into the scratch folder). ``pip install`` is
stood in for by package metadata built in place (``setup.py egg_info``), which is what makes the
entry point visible; the slow test installs with pip itself.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack import CLAIM_TYPES
from claimtrack.cli import app
from claimtrack.model import DEFAULT_STATUSES
from claimtrack_plugins.claimtypes import classify

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
TUTORIAL = DOCS / "tutorial.md"
EXAMPLE = ROOT / "examples" / "promises"

#: The tutorial's commands, in order: editing them in the tutorial means checking them here.
COMMANDS = [
    "claimtrack scan --no-store --json --all --plugins-dir my-plugins "
    "examples/promises/article.txt",
    "claimtrack plugins --plugins-dir examples/promises",
    "claimtrack scan --no-store --json --all --plugins-dir examples/promises "
    "examples/promises/article.txt",
    "claimtrack scan --no-store --json --all --plugins-dir examples/promises --disable sentences "
    "examples/promises/article.txt",
    "(cd examples/promises && python -m pytest)",
    "pip install ./examples/promises",
    "claimtrack plugins",
    "claimtrack scan --no-store --json --all --disable sentences examples/promises/article.txt",
    "claimtrack eval --format gold examples/promises/article.gold.json "
    "--disable sentences --disable checkworthiness --compare-disable promises",
    "claimtrack eval --format gold examples/promises/article.gold.json "
    "--plugins-dir examples/promises "
    "--disable sentences --disable checkworthiness --compare-disable claimtrack_promises",
    "claimtrack plugins new fact-boxes --dir ../claimtrack-fact-boxes",
    "(cd ../claimtrack-fact-boxes && python -m pytest)",
]

runner = CliRunner()


# --- reading the tutorial --------------------------------------------------------------------


def _blocks(language: str) -> list[str]:
    """The tutorial's fenced code blocks in ``language``, in order."""
    text = TUTORIAL.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.DOTALL | re.MULTILINE)


def _commands() -> list[tuple[str, str]]:
    """Each shell command of the tutorial with the comment that says what it prints."""
    commands = []
    for block in _blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            command, _, comment = line.partition("  #")
            if command.strip():
                commands.append((" ".join(command.split()), comment.strip(" #")))
    return commands


def _comment(command: str) -> str:
    return dict(_commands())[command]


def _section(title: str) -> str:
    text = TUTORIAL.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def _table(section: str) -> list[dict[str, Any]]:
    """The ``claim | score | checkworthy`` rows of a markdown table in ``section``."""
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"[\d.]+", cells[1]):
            rows.append(
                {"claim": cells[0], "score": float(cells[1]), "checkworthy": cells[2] == "true"}
            )
    return rows


# --- running it ------------------------------------------------------------------------------


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch checkout: the tutorial's example folder and step 1's plugin, as working folder."""
    root = tmp_path / "checkout"
    shutil.copytree(
        EXAMPLE,
        root / "examples" / "promises",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"),
    )
    plugin = root / "my-plugins" / "claimtrack_promises.py"
    plugin.parent.mkdir()
    plugin.write_text(_blocks("python")[0], encoding="utf-8")
    for name in list(os.environ):
        if name.startswith("CLAIMTRACK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CLAIMTRACK_DB", str(tmp_path / "db"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(root)
    return root


def _run(command: str) -> str:
    """Run a ``claimtrack`` command in-process; its standard output."""
    argv = shlex.split(command)
    assert argv[0] == "claimtrack"
    result = runner.invoke(app, argv[1:])
    assert result.exit_code == 0, result.output
    return result.stdout


def _installed(checkout: Path) -> dict[str, str]:
    """Make the example's entry point visible, as ``pip install`` would; the environment to use."""
    package = checkout / "examples" / "promises"
    subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "egg_info"],
        cwd=package,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return os.environ | {"PYTHONPATH": str(package)}


def _run_installed(command: str, env: dict[str, str]) -> str:
    """Run a ``claimtrack`` command in a new process with ``env``; its standard output."""
    argv = shlex.split(command)
    proc = subprocess.run(
        [sys.executable, "-c", "from claimtrack.__main__ import main; main()", *argv[1:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _pytest(command: str, checkout: Path) -> str:
    """Run a ``(cd FOLDER && python -m pytest)`` command; pytest's output."""
    folder = re.fullmatch(r"\(cd (\S+) && python -m pytest\)", command)
    assert folder, command
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=checkout / folder.group(1),
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith(("CLAIMTRACK_", "PYTEST_"))},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _claims(stdout: str, extractor: str | None = None) -> list[dict[str, Any]]:
    (line,) = stdout.splitlines()
    record = json.loads(line)
    assert record["errors"] == []
    return [c for c in record["claims"] if extractor is None or c["extractor"] == extractor]


def _row(table: str, metric: str) -> list[str]:
    """The cells of one metric's row in a rich table."""
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0] == metric:
            return cells[1:]
    raise AssertionError(f"no row {metric!r} in\n{table}")


# --- the tests -------------------------------------------------------------------------------


def test_the_commands_are_these_in_this_order() -> None:
    assert [command for command, _ in _commands()] == COMMANDS


def test_step_1_the_hook_finds_the_mayors_promise(checkout: Path, tmp_path: Path) -> None:
    claims = _claims(_run(COMMANDS[0]))
    (documented,) = [json.loads(block) for block in _blocks("json")]
    assert [c for c in claims if c["extractor"] == "claimtrack_promises"] == [documented]
    assert len(claims) == 9  # "every sentence but the byline is there"
    assert classify(documented["claim"]) == "prediction"  # "it would have called this ..."
    assert not (tmp_path / "db").exists()


def test_step_3_plugins_dir(checkout: Path) -> None:
    listed = _run(COMMANDS[1])
    assert _comment(COMMANDS[1]) == "lists claimtrack_promises: loaded"
    row = next(line for line in listed.splitlines() if "claimtrack_promises" in line)
    assert "loaded" in row

    ours = [c["claim"] for c in _claims(_run(COMMANDS[2]), "claimtrack_promises")]
    table = _table(_section("3. Run it"))
    assert ours == [row["claim"] for row in table] and len(ours) == 4

    claims = _claims(_run(COMMANDS[3]))
    assert [{k: c[k] for k in ("claim", "score", "checkworthy")} for c in claims] == table
    assert {(c["extractor"], c["type"]) for c in claims} == {("claimtrack_promises", "position")}


def test_step_4_the_tests_shown_are_the_examples_and_pass(checkout: Path) -> None:
    tests = (EXAMPLE / "tests" / "test_promises.py").read_text(encoding="utf-8")
    for block in _blocks("python")[1:]:
        assert block in tests
    assert _comment(COMMANDS[4]) in _pytest(COMMANDS[4], checkout)


def test_steps_5_and_6_installed_plugin_and_its_measure(checkout: Path) -> None:
    (toml,) = _blocks("toml")
    assert toml in (EXAMPLE / "pyproject.toml").read_text(encoding="utf-8")
    assert COMMANDS[5] == "pip install ./examples/promises"
    env = _installed(checkout)

    listed = _run_installed(COMMANDS[6], env)
    row = next(line for line in listed.splitlines() if "│ promises" in line)
    assert _comment(COMMANDS[6]).split() == [c.strip() for c in row.split("│")[1:-1]]

    claims = _claims(_run_installed(COMMANDS[7], env))
    table = _table(_section("3. Run it"))
    assert [{k: c[k] for k in ("claim", "score", "checkworthy")} for c in claims] == table
    assert {c["extractor"] for c in claims} == {"promises"}

    shown = _run_installed(COMMANDS[8], env)
    text = _section("6. Measure it")
    said = dict(re.findall(r"`(\w+)` (-?[\d.]+)", text))  # "(`must_recall` 0.8000, ..."
    assert said.keys() >= {"must_recall", "claims_reported", "not_claims_reported"}
    for metric, value in said.items():
        assert _row(shown, metric)[0] == value, metric
    assert _row(shown, "must_recall")[1:] == ["0.0000", "-0.8000"]
    assert "reads -0.8000 for `must_recall`" in " ".join(text.split())
    runs = json.loads(_run_installed(COMMANDS[8] + " --json", env))["runs"]
    assert '"must_missing": ["buses"]' in text
    assert runs["A"]["figures"]["must_missing"] == ["buses"]
    assert runs["B"]["disabled"] == ["sentences", "checkworthiness", "promises"]

    # "Load the plugin only once": with both copies loaded, blocking one changes nothing.
    both = json.loads(_run_installed(COMMANDS[9] + " --json", env))["runs"]
    assert both["A"]["figures"]["must_recall"] == both["B"]["figures"]["must_recall"] == 0.8


def test_step_6_without_installing(checkout: Path) -> None:
    runs = json.loads(_run(COMMANDS[9] + " --json"))["runs"]
    assert runs["A"]["figures"]["must_recall"] == 0.8
    assert runs["A"]["figures"]["must_missing"] == ["buses"]
    assert runs["B"]["figures"]["must_recall"] == 0.0


def test_step_7_start_your_own(checkout: Path) -> None:
    _run(COMMANDS[10])
    assert (checkout.parent / "claimtrack-fact-boxes" / "pyproject.toml").exists()
    assert _comment(COMMANDS[11]) in _pytest(COMMANDS[11], checkout)


def test_links_lead_somewhere() -> None:
    for path, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)", TUTORIAL.read_text()):
        target = (DOCS / path).resolve() if path else TUTORIAL
        assert target.exists(), path
        if anchor:
            headings = re.findall(r"^#+ (.+)$", target.read_text(encoding="utf-8"), re.MULTILINE)
            assert anchor in {_slug(h) for h in headings}, f"{path}#{anchor}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_vocabularies_define_every_type_and_status() -> None:
    text = (DOCS / "vocabularies.md").read_text(encoding="utf-8")
    assert "TODO" not in text
    for name in (*CLAIM_TYPES, *DEFAULT_STATUSES):
        assert f"| `{name}` |" in text, name
    assert "verification.md#statuses-configtoml" in text


def _can_build_wheels() -> bool:
    return (
        importlib.util.find_spec("wheel") is not None
        or importlib.util.find_spec("setuptools.command.bdist_wheel") is not None
    )


@pytest.mark.slow
@pytest.mark.skipif(not _can_build_wheels(), reason="an offline install needs wheel")
def test_step_5_pip_install(checkout: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            "./examples/promises",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = os.environ | {"PYTHONPATH": str(site)}
    listed = _run_installed(COMMANDS[6], env)
    row = next(line for line in listed.splitlines() if "│ promises" in line)
    assert "claimtrack-promises==0.1.0" in row and "loaded" in row
    claims = _claims(_run_installed(COMMANDS[7], env))
    assert len(claims) == 4 and {c["extractor"] for c in claims} == {"promises"}
