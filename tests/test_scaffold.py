"""``claimtrack plugins new``: the scaffolded package is importable, tested and installable."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.errors import UsageError
from claimtrack.scaffold import plugin_names, scaffold

runner = CliRunner()


def _env(*paths: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMTRACK_")}
    env["PYTHONPATH"] = os.pathsep.join(map(str, paths))
    return env


def test_names_are_derived_from_the_plugin_name() -> None:
    names = plugin_names("Fact_Boxes")
    assert (names.plugin, names.distribution, names.module) == (
        "fact-boxes",
        "claimtrack-fact-boxes",
        "claimtrack_fact_boxes",
    )
    assert plugin_names("claimtrack-promises").plugin == "promises"


@pytest.mark.parametrize("bad", ["", "9lives", "has space", "dots.in.it", "trailing-"])
def test_unusable_names_are_refused(bad: str) -> None:
    with pytest.raises(UsageError):
        plugin_names(bad)


def test_refuses_to_write_into_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(UsageError, match="not empty"):
        scaffold("promises", tmp_path)


def test_new_writes_package_files(tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    result = runner.invoke(app, ["plugins", "new", "promises", "--dir", str(target), "--json"])
    assert result.exit_code == 0, result.output
    files = {Path(f).relative_to(target).as_posix() for f in json.loads(result.stdout)["files"]}
    assert files == {
        "pyproject.toml",
        "claimtrack_promises.py",
        "tests/test_claimtrack_promises.py",
        "README.md",
    }
    assert 'promises = "claimtrack_promises"' in (target / "pyproject.toml").read_text()


def test_new_with_a_bad_name_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plugins", "new", "Bad Name", "--dir", str(tmp_path / "x")])
    assert result.exit_code == 2


def test_plugins_without_subcommand_still_lists(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plugins", "--all", "--json"])
    assert result.exit_code == 0, result.output
    names = {p["name"] for p in json.loads(result.stdout)}
    assert {"loader", "sentences"} <= names


def test_generated_tests_pass(tmp_path: Path) -> None:
    root, _ = scaffold("numbers-demo", tmp_path / "pkg")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout


def test_generated_entry_point_is_discovered(tmp_path: Path) -> None:
    """Package metadata built from the generated pyproject makes claimtrack load the plugin."""
    root, _ = scaffold("numbers-demo", tmp_path / "pkg")
    subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "egg_info"],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=120,
    )
    proc = subprocess.run(
        [sys.executable, "-c", "from claimtrack.__main__ import main; main()", "plugins", "--json"],
        cwd=tmp_path,
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    plugin = next(p for p in json.loads(proc.stdout) if p["name"] == "numbers-demo")
    assert plugin["origin"] == "claimtrack-numbers-demo==0.1.0"
    assert plugin["hooks"] == ["claimtrack_extract_claims"]
    assert plugin["status"] == "loaded"


def _can_build_wheels() -> bool:
    return (
        importlib.util.find_spec("wheel") is not None
        or importlib.util.find_spec("setuptools.command.bdist_wheel") is not None
    )


@pytest.mark.slow
@pytest.mark.skipif(
    not _can_build_wheels(), reason="an offline install needs wheel or setuptools>=70.1"
)
def test_generated_package_installs_with_pip(tmp_path: Path) -> None:
    # pip runs under the interpreter running the tests, whose setuptools the
    # skip condition checked; a venv would inherit the base interpreter's instead.
    root, _ = scaffold("numbers-demo", tmp_path / "pkg")
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
            str(root),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMTRACK_")}
    env["PYTHONPATH"] = str(site)
    proc = subprocess.run(
        [sys.executable, "-c", "from claimtrack.__main__ import main; main()", "plugins", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    plugin = next(p for p in json.loads(proc.stdout) if p["name"] == "numbers-demo")
    assert plugin["origin"] == "claimtrack-numbers-demo==0.1.0"
    assert plugin["status"] == "loaded"
