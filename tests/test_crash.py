"""SIGKILL at any moment of ``scan`` or ``verify`` loses nothing reported done, half-writes nothing.

A worker process runs the real commands (``scan``, ``verify``, ``dispute``) one after another on a
copy of a database, printing each change once its command has returned. The test kills it at a
random moment, then opens the database and checks it (``recovery.check``: SQLite's integrity,
every document parses, the indexes agree with the articles) and that every reported change is
there. The default run kills 20 times in
a database of 40 articles; ``-m slow`` kills 200 times in one of 300 articles (2,700 claims).
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from hashlib import sha256
from pathlib import Path

import pytest

from claimtrack.pipeline import scan_article
from claimtrack.plugins import load_plugins
from claimtrack.store import open_store, recovery
from claimtrack.text import make_article

WORKER = r"""
import json, sys
from claimtrack.cli import app

db, articles, claims = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

def run(*args):
    try:
        app([*args, "--db", db], standalone_mode=False)
    except SystemExit as exc:
        if exc.code not in (0, 3, None):
            raise

print("ready", flush=True)
for i, claim in enumerate(claims):
    if i % 4 == 3:
        path = f"{articles}/new{i}.txt"
        run("scan", "--json", path)
        print("scanned", path, flush=True)
    else:
        status = "verified" if i % 2 else "disputed"
        run("verify" if status == "verified" else "dispute", claim, "--note", f"n{i}")
        print("marked", claim, status, flush=True)
"""

TOPICS = ["harbour", "council", "hospital", "school", "railway", "budget", "airport", "mill"]


def article(number: int, seed: int) -> str:
    rng = random.Random(number * 7919 + seed)
    topic = TOPICS[number % len(TOPICS)]
    lines = [f"The {topic} report number {number}", ""]
    for k in range(8):
        value = rng.randint(2, 900)
        lines.append(
            f"Officials said the {topic} spent ${value} million in {2000 + k + number % 20}, "
            f"up {rng.randint(2, 60)} per cent on the year before, according to figures {k}."
        )
        lines.append("")
    return "\n".join(lines)


def made_up(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def varied_article(number: int) -> str:
    """Eight claims in mostly made-up words: like real articles' claims, and unlike ``article``'s,
    those of different articles share few words (templated ones make repeat-matching slow)."""
    rng = random.Random(number)
    place = made_up(rng).title()
    lines = [f"{place} {made_up(rng)} report {number}", ""]
    for _ in range(8):
        lines.append(
            f"{made_up(rng).title()} {made_up(rng).title()} said the {place} {made_up(rng)} "
            f"spent ${rng.randint(2, 900)} million on {made_up(rng)} {made_up(rng)} in "
            f"{rng.randint(2000, 2024)}, up {rng.randint(2, 60)} per cent."
        )
        lines.append("")
    return "\n".join(lines)


def new_articles(folder: Path) -> None:
    folder.mkdir()
    for n in range(300):
        (folder / f"new{n}.txt").write_text(article(1000 + n, 1))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """A database of 40 articles (a few hundred claims) and 300 more articles to scan."""
    root = tmp_path_factory.mktemp("crash")
    source, extra = root / "articles", root / "extra"
    source.mkdir()
    for n in range(40):
        (source / f"a{n:03d}.txt").write_text(article(n, 0))
    new_articles(extra)
    db = root / "db"
    env = os.environ | {"CLAIMTRACK_DB": str(db), "CLAIMTRACK_USER": "crash"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from claimtrack.__main__ import main; main()",
            "scan",
            "--json",
            str(source),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 3), done.stderr
    claims = [c.id for c in open_store(db).claims()]
    assert len(claims) >= 200
    return db, extra, claims


LARGE = 300


@pytest.fixture(scope="module")
def seeded_large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """A database of ``LARGE`` articles (nine claims each) written once through
    ``Store.save_scans``, and 300 more articles to scan."""
    root = tmp_path_factory.mktemp("crash-large")
    db, extra = root / "db", root / "extra"
    new_articles(extra)
    host = load_plugins(entry_points=False)
    results = [
        scan_article(host, make_article(varied_article(n), str(root / f"a{n:04d}.txt")))
        for n in range(LARGE)
    ]
    open_store(db).save_scans(results)
    claims = [c.id for c in open_store(db).claims()]
    assert len(claims) == 9 * LARGE
    return db, extra, claims


def fingerprint(folder: Path) -> str:
    digest = sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def kill_once(
    seeded: tuple[Path, Path, list[str]], work: Path, rng: random.Random
) -> dict[str, int]:
    """One worker killed after a random delay; return what the kill interrupted."""
    base, extra, claims = seeded
    db = work / "db"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(base, db)  # SQLite writes into its file: a real copy
    order = claims[:]
    rng.shuffle(order)
    env = os.environ | {"CLAIMTRACK_USER": "crash"}
    env.pop("CLAIMTRACK_DB", None)
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(db), str(extra), json.dumps(order[:120])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    time.sleep(rng.uniform(0.02, 1.0))
    worker.send_signal(signal.SIGKILL)
    out, err = worker.communicate()
    assert worker.returncode == -signal.SIGKILL, err
    # A line counts once its newline arrived: a kill can cut the worker's last write short.
    complete = out.split("\n")[:-1]
    reported = [line.split() for line in complete if line.startswith(("marked ", "scanned "))]
    wal = db / "claimtrack.sqlite-wal"
    uncheckpointed = int(wal.exists() and wal.stat().st_size > 0)

    report = recovery.check(db)  # SQLite replays its write-ahead log on open
    assert report.problems == [], report.to_json()
    store = open_store(db)
    for entry in reported:
        if entry[0] == "marked":
            claim = store.claim(entry[1])
            assert claim.status == entry[2]
            assert sum(h.action == "status" for h in store.history(entry[1])) == 1
        elif entry[0] == "scanned":
            assert any(a.source == str(Path(entry[1]).resolve()) for a in store.articles())
    return {"changes": len(reported), "uncheckpointed": uncheckpointed}


def kill_loop(seeded: tuple[Path, Path, list[str]], tmp_path: Path, kills: int) -> None:
    rng = random.Random(kills)
    totals = {"changes": 0, "uncheckpointed": 0}
    gc.collect()  # the seeding's connections close: nothing writes the original from here on
    before = fingerprint(seeded[0])
    for n in range(kills):
        for key, value in kill_once(seeded, tmp_path / f"k{n}", rng).items():
            totals[key] += value
        shutil.rmtree(tmp_path / f"k{n}", ignore_errors=True)
    print(
        f"\n{kills} kills survived in a database of {len(seeded[2])} claims; "
        f"{totals['changes']} changes reported and found; "
        f"{totals['uncheckpointed']} kills left commits in the write-ahead log"
    )
    assert totals["changes"] > 0
    assert fingerprint(seeded[0]) == before


def test_kills_during_scan_and_verify_lose_nothing(
    seeded: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    kill_loop(seeded, tmp_path, 20)


@pytest.mark.slow
def test_two_hundred_kills_lose_nothing(
    seeded_large: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    kill_loop(seeded_large, tmp_path, 200)
