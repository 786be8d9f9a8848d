"""The built package installs into a separate environment and its console script works."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_installs_offline_and_console_script_scans(
    tmp_path: Path, harbour_path: Path
) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    [wheel] = wheels.glob("claimtrack-*.whl")
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)
    bin_dir = env_dir / "bin"
    site = next((env_dir / "lib").glob("python*/site-packages"))
    # Reuse this environment's dependencies without network: a .pth pointing at its site-packages.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(bin_dir / "python"),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    result = subprocess.run(
        [str(bin_dir / "claimtrack"), "scan", "--json", "--no-store", str(harbour_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["claims"]
    located = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import claimtrack, claimtrack_plugins; "
            "print(claimtrack.__file__); print(claimtrack_plugins.__file__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(str(env_dir) in path for path in located)
    # scan --help points at documentation the installed package carries.
    helped = subprocess.run(
        [str(bin_dir / "claimtrack"), "scan", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    ).stdout
    assert "claimtrack docs contract" in " ".join(helped.split())
    shown = subprocess.run(
        [str(bin_dir / "claimtrack"), "docs", "contract"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown == (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
