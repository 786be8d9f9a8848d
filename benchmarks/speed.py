"""The scan speeds issue 13 asks for, with the spaCy parse: articles/s and sentences/s.

    python benchmarks/speed.py --articles ../shared/data/polnear/dev/text \
        --sentences ../shared/data/checkthat2024/CT24_checkworthy_english_dev-test.tsv \
        [--n 84] [--out benchmarks/results/speed.json]

Each run is a child process, as a user or a scorer starts it: ``scan --json --no-store --jobs 1``
of ``n`` articles, and ``scan --json --no-store --all`` of one file per sentence of a CheckThat!
TSV (what ``score_checkworthy.py`` runs), timed whole, start-up included. The start (imports,
plugins, the spaCy model) is measured in the same run by a scan of one one-sentence file, so
``marginal`` is the rate once started. Rates are given by wall time and by CPU time (user +
system): on a shared machine the wall time follows the load, the CPU time far less, and
``n / CPU`` is what one idle core would give.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from rich.console import Console
from rich.table import Table

from benchmarks import corpus, procs

#: The targets of issue 13, in articles and sentences per second of wall time.
ARTICLES_PER_S = 10.0
SENTENCES_PER_S = 150.0
#: The figures before the spaCy layer (docs/performance.md): 18 ms of CPU per PolNeAR article,
#: and the CheckThat! 2024 dev-test scorer's 823 sentences/s on an idle machine.
BEFORE_MS_PER_ARTICLE = 18.0
BEFORE_SENTENCES_PER_S = 823.0


def main(argv: list[str] | None = None) -> int:
    """Run both measures; print a table and write the figures as JSON."""
    args = _parser().parse_args(argv)
    console = Console(stderr=True, width=140)
    work = Path(tempfile.mkdtemp(prefix="claimtrack-speed-bench-"))
    try:
        figures = _measure(console, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    _print(figures)
    return 0


def _measure(console: Console, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    articles = corpus.materialise(corpus.source_articles(Path(args.articles)), args.n, work / "a")
    sentences = _sentence_files(Path(args.sentences), work / "s")
    start_file = work / "start" / "one.txt"
    start_file.parent.mkdir()
    start_file.write_text("Prices rose by 4% in 2023, the minister said.\n", encoding="utf-8")
    scan = [*procs.claimtrack_command(), "scan", "--json", "--no-store"]
    figures: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_at_start": procs.load(),
        "floor": corpus.floor(articles),
    }
    console.log("start-up: a scan of one sentence")
    start = procs.run([*scan, "--jobs", "1", str(start_file)])
    console.log(f"{len(articles)} articles, one process")
    article_run = procs.run([*scan, "--jobs", "1", *map(str, articles)])
    console.log(f"{len(sentences)} one-sentence files, as score_checkworthy.py scans them")
    sentence_run = procs.run([*scan, "--all", *map(str, sentences)])
    figures["start"] = start
    figures["articles"] = _rates(article_run, start, len(articles), ARTICLES_PER_S)
    figures["sentences"] = _rates(sentence_run, start, len(sentences), SENTENCES_PER_S)
    figures["articles"]["floor_ratio_cpu"] = (
        figures["articles"]["marginal_cpu_ms_per_item"] / figures["floor"]["ms_per_article"]
    )
    figures["load_at_end"] = procs.load()
    return figures


def _sentence_files(tsv: Path, into: Path) -> list[Path]:
    """One file per sentence of a CheckThat! TSV, as the scorer writes them."""
    into.mkdir(parents=True)
    with tsv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    paths = []
    for row in rows:
        path = into / f"s{row['Sentence_id']}.txt"
        path.write_text(row["Text"].strip() + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _rates(run: dict[str, Any], start: dict[str, Any], n: int, target: float) -> dict[str, Any]:
    """Whole-run and marginal rates of ``run`` over ``n`` items, by wall and by CPU time."""
    if run["returncode"] not in (0, 1):  # 1: an unreadable file, reported and skipped
        raise SystemExit(f"{run['command'][:80]}... exited {run['returncode']}")
    return {
        "items": n,
        "seconds": run["seconds"],
        "cpu_s": run["cpu_s"],
        "per_s": n / run["seconds"],
        "per_cpu_s": n / run["cpu_s"],
        "marginal_per_s": (n - 1) / max(1e-9, run["seconds"] - start["seconds"]),
        "marginal_cpu_ms_per_item": 1000 * (run["cpu_s"] - start["cpu_s"]) / max(1, n - 1),
        "target_per_s": target,
        "holds": n / run["seconds"] >= target,
        "holds_on_cpu": n / run["cpu_s"] >= target,
        "maxrss_mb": run["maxrss_mb"],
        "load_before": run["load_before"],
    }


def _print(figures: dict[str, Any]) -> None:
    start, art, sen = figures["start"], figures["articles"], figures["sentences"]
    table = Table(title="scan speed, one process", title_justify="left", width=140)
    for column in ("run", "wall", "CPU", "per s (wall)", "per CPU s", "marginal CPU ms",
                   "target", "holds (wall / CPU)", "before spaCy", "peak MB"):  # fmt: skip
        table.add_column(column, justify="right")
    blank = [""] * 6
    table.add_row(
        "start-up (one sentence)",
        f"{start['seconds']:.2f} s",
        f"{start['cpu_s']:.2f} s",
        *blank,
        f"{start['maxrss_mb']:.0f}",
    )
    for name, run, before in (
        (f"{art['items']} PolNeAR articles", art, f"{BEFORE_MS_PER_ARTICLE:.0f} ms/article"),
        (f"{sen['items']} one-sentence files", sen, f"{BEFORE_SENTENCES_PER_S:.0f}/s"),
    ):
        table.add_row(
            name,
            f"{run['seconds']:.2f} s",
            f"{run['cpu_s']:.2f} s",
            f"{run['per_s']:.1f}",
            f"{run['per_cpu_s']:.1f}",
            f"{run['marginal_cpu_ms_per_item']:.1f}",
            f"≥ {run['target_per_s']:.0f}/s",
            f"{'yes' if run['holds'] else 'no'} / {'yes' if run['holds_on_cpu'] else 'no'}",
            before,
            f"{run['maxrss_mb']:.0f}",
        )
    console = Console(width=140)
    console.print(table)
    console.print(
        f"load {figures['load_at_start']} → {figures['load_at_end']} (1, 5, 15 min); an article "
        f"costs {art['floor_ratio_cpu']:.0f}× the read-and-split floor in CPU once started"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", required=True, help="Folder of .txt articles (PolNeAR).")
    parser.add_argument("--sentences", required=True, help="CheckThat! 2024 TSV of sentences.")
    parser.add_argument("--n", type=int, default=84, help="Articles (cycled; default 84).")
    parser.add_argument("--out", help="Write the figures as JSON here.")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
