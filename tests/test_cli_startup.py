"""Start-up: a run builds only its command's module and imports only what its command uses."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from claimtrack.cli import app, build_app, modules

runner = CliRunner()
MODULES = modules()
ALL_COMMANDS = [name for names in MODULES.values() for name in names]


@pytest.mark.parametrize("module", list(MODULES))
def test_modules_table_names_what_each_module_registers(module: str) -> None:
    group = get_command(build_app(MODULES[module][0]))
    assert sorted(group.commands) == sorted(MODULES[module])  # type: ignore[attr-defined]


def test_the_whole_app_has_every_command() -> None:
    for whole in (app, build_app(), build_app("--help")):
        group = get_command(whole)
        assert sorted(group.commands) == sorted(ALL_COMMANDS)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_a_command_alone_has_the_same_help_as_in_the_whole_app(command: str) -> None:
    alone = runner.invoke(build_app(command), [command, "--help"], prog_name="claimtrack")
    whole = runner.invoke(app, [command, "--help"], prog_name="claimtrack")
    assert alone.exit_code == whole.exit_code == 0
    assert alone.output == whole.output


def test_a_mistyped_command_still_gets_a_suggestion() -> None:
    result = runner.invoke(build_app("scna"), ["scna"], prog_name="claimtrack")
    assert result.exit_code == 2 and "scan" in result.output


def loaded_modules(*args: str, db: Path) -> list[str]:
    """The interesting modules a ``claimtrack`` run imported."""
    script = (
        "import sys\n"
        f"sys.argv = ['claimtrack', *{list(args)!r}]\n"
        "from claimtrack.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "watched = ('pydantic', 'rich.console', 'claimtrack.store', 'claimtrack.plugins',"
        " 'spacy')\n"
        "sys.stderr.write(repr([m for m in watched if m in sys.modules]))\n"
    )
    env = os.environ | {"CLAIMTRACK_DB": str(db)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    return ast.literal_eval(done.stderr.strip().splitlines()[-1])


def test_help_imports_neither_the_store_nor_plugins_nor_rich(tmp_path: Path) -> None:
    assert loaded_modules("--help", db=tmp_path) == []
    assert loaded_modules("scan", "--help", db=tmp_path) == []


def test_commands_that_do_not_scan_do_not_import_spacy(tmp_path: Path) -> None:
    for args in (["claims", "--json"], ["report", "--limit", "3"], ["plugins", "--json"]):
        assert "spacy" not in loaded_modules(*args, db=tmp_path), args


def test_commands_do_not_import_pydantic(tmp_path: Path) -> None:
    # typer 0.29 coerces every option through pydantic (~200 ms a command): pyproject pins below it.
    for args in (["claims", "--json", "--min-score", "0.5"], ["report", "--limit", "3"]):
        assert "pydantic" not in loaded_modules(*args, db=tmp_path), args
    assert "pydantic" not in loaded_modules("db", "check", "--json", db=tmp_path)


def test_version_prints_the_installed_version_and_exits() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"], prog_name="claimtrack")
    assert result.exit_code == 0
    assert result.output == f"claimtrack {version('claimtrack')}\n"


def test_a_json_scan_of_several_files_into_a_pipe_does_not_import_rich(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    files = []
    for n in range(2):
        files.append(tmp_path / f"a{n}.txt")
        files[-1].write_text(f"Bus fares rose {n + 3} per cent in 2022.\n", encoding="utf-8")
    loaded = loaded_modules("scan", "--json", "--no-store", *map(str, files), db=tmp_path)
    assert "spacy" in loaded and "rich.console" not in loaded


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": ""},
        {"TTY_COMPATIBLE": "1"},
        {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
    ],
)
def test_stderr_is_a_terminal_when_rich_says_so(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from claimtrack import terminal

    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert terminal.stderr_is_terminal() == Console(stderr=True).is_terminal
