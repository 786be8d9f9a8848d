"""Start-up: a run builds only its command's module and imports only what its command uses."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from claimtrack.cli import SETTINGS, app, built, registrations

runner = CliRunner()
COMMANDS = list(registrations())


def eager_app() -> typer.Typer:
    """The whole command line built the plain typer way, every command converted up front."""
    whole = typer.Typer(name="claimtrack", help=app.info.help, no_args_is_help=True, **SETTINGS)
    whole.callback()(app.registered_callback.callback)  # type: ignore[union-attr]
    for module in dict.fromkeys(module for module, _ in registrations().values()):
        import_module(f"claimtrack.commands.{module}").register(whole)
    return whole


def test_every_module_builds_the_commands_it_registers() -> None:
    by_module: dict[str, list[str]] = {}
    for name, (module, _) in registrations().items():
        by_module.setdefault(module, []).append(name)
    for module, names in by_module.items():
        assert sorted(built(module)) == sorted(names), module


def test_the_app_lists_and_resolves_every_command() -> None:
    group = get_command(app)
    context = group.make_context("claimtrack", ["--help"], resilient_parsing=True)
    assert group.list_commands(context) == COMMANDS  # type: ignore[attr-defined]
    for name in COMMANDS:
        assert group.get_command(context, name).name == name  # type: ignore[attr-defined]


def test_the_help_lists_the_commands_as_typer_would_having_built_them_all() -> None:
    lazy = runner.invoke(app, ["--help"], prog_name="claimtrack")
    eager = runner.invoke(eager_app(), ["--help"], prog_name="claimtrack")
    assert lazy.exit_code == eager.exit_code == 0
    # The eager app has no completion options: compare the command listing.
    assert lazy.output.split("Commands:")[1] == eager.output.split("Commands:")[1]
    assert all(f"  {name} " in lazy.output for name in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_built_alone_has_the_same_help_as_built_with_all(command: str) -> None:
    alone = runner.invoke(app, [command, "--help"], prog_name="claimtrack")
    whole = runner.invoke(eager_app(), [command, "--help"], prog_name="claimtrack")
    assert alone.exit_code == whole.exit_code == 0
    assert alone.output == whole.output


def test_the_help_builds_no_command_and_a_run_builds_only_its_module() -> None:
    built.cache_clear()
    assert runner.invoke(app, ["--help"], prog_name="claimtrack").exit_code == 0
    assert built.cache_info().currsize == 0
    assert runner.invoke(app, ["db", "--help"], prog_name="claimtrack").exit_code == 0
    assert built.cache_info().currsize == 1


def test_a_mistyped_command_still_gets_a_suggestion() -> None:
    result = runner.invoke(app, ["scna"], prog_name="claimtrack")
    assert result.exit_code == 2 and "scan" in result.output


def loaded_modules(*args: str, db: Path) -> list[str]:
    """The interesting modules a ``claimtrack`` run imported."""
    script = (
        "import sys\n"
        f"sys.argv = ['claimtrack', *{list(args)!r}]\n"
        "from claimtrack.__main__ import main\n"
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


@pytest.mark.parametrize("collecting", [True, False])
def test_the_entry_point_freezes_the_command_lines_objects_and_restores_the_collector(
    collecting: bool,
) -> None:
    script = (
        "import gc, sys\n"
        f"gc.enable() if {collecting} else gc.disable()\n"
        "sys.argv = ['claimtrack', '--version']\n"
        "from claimtrack.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(repr((gc.isenabled(), gc.get_freeze_count())))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    enabled, frozen = ast.literal_eval(done.stderr.strip().splitlines()[-1])
    assert done.stdout.startswith("claimtrack ")
    # typer and the command line's modules are in the permanent generation, out of the way.
    assert enabled is collecting and frozen > 10_000


def test_an_entry_point_that_fails_to_import_freezes_nothing() -> None:
    script = (
        "import gc, sys\n"
        "sys.modules['typer'] = None\n"
        "from claimtrack.__main__ import main\n"
        "try:\n    main()\nexcept ImportError:\n    pass\n"
        "sys.stderr.write(repr((gc.isenabled(), gc.get_freeze_count())))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ast.literal_eval(done.stderr.strip().splitlines()[-1]) == (True, 0)


def test_python_dash_m_runs_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "claimtrack", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("claimtrack ")


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
