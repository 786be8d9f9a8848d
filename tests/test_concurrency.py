"""Several claimtrack processes on one database: nothing lost, nothing doubled, no endless wait."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimtrack.store import open_store, recovery
from claimtrack.store.locations import is_server

CLI = [sys.executable, "-c", "from claimtrack.__main__ import main; main()"]

WORKER = r"""
import json, sys
from claimtrack.cli import app

db, job = sys.argv[1], json.loads(sys.argv[2])
for args in job:
    try:
        app([*args, "--db", db], standalone_mode=False)
    except SystemExit as exc:
        if exc.code not in (0, 3, None):
            raise
"""


def article(number: int) -> str:
    return "\n\n".join(
        f"The ministry said article {number} cost ${number * 10 + k} million in {2001 + k}, "
        f"up {k + 3} per cent."
        for k in range(4)
    )


@pytest.fixture
def seeded(db_path: Path, tmp_path: Path) -> tuple[Path | str, list[str]]:
    """The embedded desk with six articles scanned, and its claims' ids."""
    return seed(db_path, tmp_path)


def seed(db: Path | str, tmp_path: Path) -> tuple[Path | str, list[str]]:
    """Six articles scanned into the desk at ``db`` (also CLAIMTRACK_DB); its claims' ids."""
    folder = tmp_path / "seed"
    folder.mkdir()
    for n in range(6):
        (folder / f"s{n}.txt").write_text(article(n))
    done = subprocess.run([*CLI, "scan", "--json", str(folder)], capture_output=True, text=True)
    assert done.returncode in (0, 3), done.stderr
    return db, [c.id for c in open_store(db).claims()]


def test_concurrent_markers_and_scanners_lose_nothing(desk: str, tmp_path: Path) -> None:
    db, claims = seed(desk, tmp_path)
    markers = 3
    assert len(claims) >= markers * 4
    jobs = [
        [["mark", c, "--to", "verified", "--note", f"w{w}"]]
        for w in range(markers)
        for c in claims[w::markers]
    ]
    per_marker = [[job[0] for job in jobs[w::markers]] for w in range(markers)]
    new = tmp_path / "new"
    new.mkdir()
    scanners = []
    for w in range(2):
        paths = []
        for n in range(4):
            path = new / f"w{w}n{n}.txt"
            path.write_text(article(100 + 10 * w + n))
            paths.append(["scan", "--json", str(path)])
        scanners.append(paths)
    env = os.environ | {"CLAIMTRACK_LOCK_TIMEOUT": "120"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), json.dumps(job)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in [*per_marker, *scanners]
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err

    store = open_store(db)
    for claim in claims:
        assert store.claim(claim).status == "verified"
        assert [h.action for h in store.history(claim)] == ["status"]
    assert len(store.claims()) > len(claims)  # the scanners' claims are there too
    sources = Counter(a.source for a in store.articles())
    assert len(sources) == 6 + 8 and max(sources.values()) == 1
    if not is_server(db):
        assert recovery.check(Path(db)).ok


HOLDER = (
    "import sys, time\nfrom pathlib import Path\n"
    "from claimtrack.store.engine import connect, transaction\n"
    "root = Path(sys.argv[1])\n"
    "with transaction(root, connect(root), write=True):\n"
    "    print('held', flush=True)\n    time.sleep(600)\n"
)


@pytest.fixture
def writer(seeded: tuple[Path | str, list[str]]) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the database's write lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(seeded[0])], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield holder
    holder.kill()
    holder.wait()


def test_lock_wait_times_out_with_a_clear_message(
    seeded: tuple[Path | str, list[str]], writer: subprocess.Popen[str]
) -> None:
    _, claims = seeded
    began = time.monotonic()
    done = subprocess.run(
        [*CLI, "verify", claims[0]],
        capture_output=True,
        text=True,
        env=os.environ | {"CLAIMTRACK_LOCK_TIMEOUT": "0.5"},
    )
    assert time.monotonic() - began < 10
    assert done.returncode == 1
    assert "busy" in done.stderr and "CLAIMTRACK_LOCK_TIMEOUT" in done.stderr


def test_readers_do_not_wait_for_a_writer(
    seeded: tuple[Path | str, list[str]], writer: subprocess.Popen[str]
) -> None:
    _, claims = seeded
    for command in (["claims", "--json"], ["show", claims[0], "--json"], ["report", "--json"]):
        done = subprocess.run(
            [*CLI, *command],
            capture_output=True,
            text=True,
            env=os.environ | {"CLAIMTRACK_LOCK_TIMEOUT": "0.5"},
        )
        assert done.returncode == 0, done.stderr


def test_bad_lock_timeout_setting_is_reported(seeded: tuple[Path | str, list[str]]) -> None:
    done = subprocess.run(
        [*CLI, "claims"],
        capture_output=True,
        text=True,
        env=os.environ | {"CLAIMTRACK_LOCK_TIMEOUT": "soon"},
    )
    assert done.returncode == 1 and "must be a number of seconds" in done.stderr


def test_lock_of_a_killed_process_does_not_block(
    seeded: tuple[Path | str, list[str]], writer: subprocess.Popen[str]
) -> None:
    _, claims = seeded
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    began = time.monotonic()
    done = subprocess.run(
        [*CLI, "verify", claims[0], "--json"],
        capture_output=True,
        text=True,
        env=os.environ | {"CLAIMTRACK_LOCK_TIMEOUT": "5"},
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - began < 5
