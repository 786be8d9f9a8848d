"""Scoring the loaded plugins on labelled data, in-process, with the project's matching rules.

Each ``score_*`` function scans a data set through the pipeline (exactly as ``claimtrack scan
--json --no-store`` would: files go through the loader hook) and returns a dict of figures. The
matching is the contract's (CONTRACT.md, "How the scorers match"): a predicted span matches a gold
span when they overlap by half of either; spans over 1,000 characters never match.
"""

from __future__ import annotations

import csv
import json
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from claimtrack.contract import scan_json
from claimtrack.errors import UsageError
from claimtrack.model import Metadata
from claimtrack.pipeline import scan_source
from claimtrack.plugins import PluginHost

#: Predicted spans longer than this never match a gold span.
MAX_SPAN = 1000
#: PolNeAR attributions whose content is shorter than this are not scored.
MIN_CONTENT = 15

Span = tuple[int, int]
Record = dict[str, Any]


# --- matching ------------------------------------------------------------------------------


def overlap(a: Span, b: Span) -> int:
    """Characters two half-open ranges share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def span_match(predicted: Span, gold: Span) -> bool:
    """Whether a predicted span matches a gold one: half of either is covered by the overlap."""
    predicted_len, gold_len = predicted[1] - predicted[0], gold[1] - gold[0]
    if predicted_len <= 0 or gold_len <= 0 or predicted_len > MAX_SPAN:
        return False
    shared = overlap(predicted, gold)
    return shared * 2 >= gold_len or shared * 2 >= predicted_len


def norm_name(name: str | None) -> str:
    """A speaker name compared without case, surrounding punctuation or extra spaces."""
    return " ".join((name or "").strip(" \t\n\"'“”‘’.,:;()").lower().split())


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Precision, recall and F1 (rounded to 4 places) with the counts behind them."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def average_precision(ranked: Sequence[int]) -> float:
    """Average precision of 0/1 labels in ranked order (0 when there is no positive)."""
    hits, total = 0, 0.0
    for rank, label in enumerate(ranked, 1):
        if label:
            hits += 1
            total += hits / rank
    positives = sum(ranked)
    return total / positives if positives else 0.0


def _claim_span(claim: Record) -> Span:
    return claim["start"], claim["end"]


def _speaker_name(claim: Record) -> str | None:
    return (claim.get("speaker") or {}).get("name")


def read_text(path: Path) -> str:
    """A text file as the contract reads it: UTF-8, BOM removed, line endings kept."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return handle.read()


# --- scanning ------------------------------------------------------------------------------


class Scanner:
    """Scans files with one plugin host, counting time and plugin failures."""

    def __init__(self, host: PluginHost) -> None:
        self.host = host
        self.seconds = 0.0
        self.plugin_errors = 0
        self.decoded: dict[str, Metadata] = {}  # sources that were not clean UTF-8

    def scan(self, paths: Iterable[Path]) -> dict[Path, Record]:
        """The contract record of each path (every claim, check-worthy or not)."""
        records = {}
        started = time.perf_counter()
        for path in paths:
            result = scan_source(self.host, str(path))
            self.plugin_errors += len(result.errors)
            metadata = result.article.metadata
            if metadata.decoded_as or metadata.invalid_bytes:
                self.decoded[result.article.source] = metadata
            records[path] = scan_json(result)
        self.seconds += time.perf_counter() - started
        return records

    def stamp(self, figures: Record) -> Record:
        """Add the time taken and the plugin failure count to a set of figures.

        Sources that were not clean UTF-8 are added as ``decoded`` (source: metadata), if any.
        """
        decoded = {"decoded": dict(self.decoded)} if self.decoded else {}
        return figures | {
            "seconds": round(self.seconds, 2),
            "plugin_errors": self.plugin_errors,
            **decoded,
        }


# --- formats -------------------------------------------------------------------------------


def score_gold(host: PluginHost, gold_path: Path) -> Record:
    """One article annotated in the gold JSON format: must-claim recall, speakers, false claims."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    article = gold_path.parent / gold["article"]
    scanner = Scanner(host)
    record = scanner.scan([article])[article]
    text = read_text(article)
    claims = [c for c in record["claims"] if c["checkworthy"]]
    found, speakers_ok = [], []
    for item in gold["claims"]:
        hits = [c for c in claims if span_match(_claim_span(c), tuple(item["span"]))]
        if hits:
            found.append(item["id"])
            if any(norm_name(_speaker_name(c)) == norm_name(item["speaker"]) for c in hits):
                speakers_ok.append(item["id"])
    must = [item["id"] for item in gold["claims"] if item["must"]]
    false_claims = [
        item["text"]
        for item in gold["not_claims"]
        if any(overlap(_claim_span(c), tuple(item["span"])) > 0 for c in claims)
    ]
    contradictions_found = [
        item["id"]
        for item in gold["contradictions"]
        if any(
            _pair_match(c, tuple(item["span_a"]), tuple(item["span_b"]))
            for c in record["contradictions"]
        )
    ]
    meta = record["article"]
    return scanner.stamp(
        {
            "article": gold["article"],
            "must_recall": round(sum(i in found for i in must) / len(must), 4) if must else 0.0,
            "must_missing": [i for i in must if i not in found],
            "speaker_accuracy": round(len(speakers_ok) / len(found), 4) if found else 0.0,
            "speaker_wrong": [i for i in found if i not in speakers_ok],
            "not_claims_reported": false_claims,
            "claims_reported": len(claims),
            "contradictions_found": contradictions_found,
            "contradictions_missing": [
                item["id"]
                for item in gold["contradictions"]
                if item["id"] not in contradictions_found
            ],
            "contradictions_reported": len(record["contradictions"]),
            "metadata_ok": {
                key: str(meta.get(key) or "").strip() == str(value)
                for key, value in gold["metadata"].items()
            },
            "offset_errors": sum(
                text[c["start"] : c["end"]] != c["text"] for c in record["claims"]
            ),
        }
    )


def _pair_match(found: Record, gold_a: Span, gold_b: Span) -> bool:
    a = found["a"]["start"], found["a"]["end"]
    b = found["b"]["start"], found["b"]["end"]
    return (span_match(a, gold_a) and span_match(b, gold_b)) or (
        span_match(a, gold_b) and span_match(b, gold_a)
    )


def score_checkthat(host: PluginHost, tsv: Path, limit: int | None = None) -> Record:
    """CheckThat! 2024 sentences (TSV: Sentence_id, Text, class_label): P/R/F1 of the Yes class.

    Each sentence is scanned as an article of its own; it is predicted check-worthy when any
    of its claims is.
    """
    with open(tsv, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    _require(
        rows and {"Sentence_id", "Text", "class_label"} <= rows[0].keys(),
        tsv,
        "a TSV with Sentence_id, Text and class_label columns",
    )
    rows = rows[:limit]
    scanner = Scanner(host)
    tp = fp = fn = 0
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for row in rows:
            path = Path(tmp) / f"s{row['Sentence_id']}.txt"
            path.write_text(row["Text"].strip() + "\n", encoding="utf-8")
            paths.append(path)
        records = scanner.scan(paths)
        for row, path in zip(rows, paths, strict=True):
            gold = row["class_label"].strip() == "Yes"
            predicted = any(c["checkworthy"] for c in records[path]["claims"])
            tp += gold and predicted
            fp += predicted and not gold
            fn += gold and not predicted
    figures = prf(tp, fp, fn) | {"file": tsv.name, "sentences": len(rows)}
    figures = scanner.stamp(figures)
    figures["sentences_per_s"] = round(len(rows) / scanner.seconds, 1) if scanner.seconds else 0.0
    return figures


def score_transcripts(host: PluginHost, folder: Path) -> Record:
    """CheckThat! 2019 debate transcripts (TSV: line, speaker, text, 0/1): MAP of lines by score.

    Each transcript becomes one article with a paragraph per line; a line's score is the highest
    score of any claim overlapping it, and lines are ranked by score within their transcript.
    """
    files = sorted(folder.glob("*.tsv"))
    _require(files, folder, "a folder of transcript .tsv files")
    scanner = Scanner(host)
    with tempfile.TemporaryDirectory() as tmp:
        documents = []
        for file in files:
            with open(file, encoding="utf-8", newline="") as handle:
                rows = [
                    r
                    for r in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                    if len(r) >= 4
                ]
            text, lines = "", []
            for row in rows:
                start = len(text)
                text += row[2].strip()
                lines.append((start, len(text), int(row[3])))
                text += "\n\n"
            path = Path(tmp) / f"{file.stem}.txt"
            path.write_text(text, encoding="utf-8")
            documents.append((file.name, path, lines))
        records = scanner.scan(path for _, path, _ in documents)
    precisions, r_precisions, per_transcript = [], [], {}
    for name, path, lines in documents:
        claims = records[path]["claims"]
        scored = []
        for index, (start, end, label) in enumerate(lines):
            best = max(
                (c["score"] for c in claims if overlap(_claim_span(c), (start, end)) > 0),
                default=0.0,
            )
            scored.append((-best, index, label))
        ranked = [label for _, _, label in sorted(scored)]
        positives = sum(ranked)
        precisions.append(average_precision(ranked))
        r_precisions.append(sum(ranked[:positives]) / positives if positives else 0.0)
        per_transcript[name] = round(precisions[-1], 4)
    return scanner.stamp(
        {
            "folder": folder.name,
            "transcripts": len(files),
            "map": round(sum(precisions) / len(precisions), 4),
            "r_precision": round(sum(r_precisions) / len(r_precisions), 4),
            "per_transcript_ap": per_transcript,
        }
    )


def score_news(host: PluginHost, gold_dir: Path, text_dir: Path | None = None) -> Record:
    """News articles labelled sentence by sentence by two labellers: P/R/F1 of CFS, speakers.

    Gold is the sentences where both labellers agree on CFS versus not; a sentence is
    predicted check-worthy when a check-worthy claim matches its span.
    """
    articles = _news_gold(gold_dir)
    paths = [(text_dir or gold_dir / "text") / name for name in articles]
    scanner = Scanner(host)
    records = scanner.scan(paths)
    tp = fp = fn = furniture = agreed = 0
    speaker_n = speaker_ok = named_n = named_ok = 0
    for path in paths:
        claims = [c for c in records[path]["claims"] if c["checkworthy"]]
        for row in articles[path.name]:
            hits = [c for c in claims if span_match(_claim_span(c), row["span"])]
            furniture += row["furniture"] and bool(hits)
            if row["gold"] is None:
                continue
            agreed += 1
            tp += row["gold"] and bool(hits)
            fp += (not row["gold"]) and bool(hits)
            fn += row["gold"] and not hits
            if row["gold"] and row["speaker"] and hits:
                speaker_n += 1
                names = {norm_name(_speaker_name(c)) or "author" for c in hits}
                speaker_ok += row["speaker"] in names
                if row["speaker"] != "author":
                    named_n += 1
                    named_ok += row["speaker"] in names
    return scanner.stamp(
        prf(tp, fp, fn)
        | {
            "articles": len(paths),
            "agreed_sentences": agreed,
            "furniture_reported": furniture,
            "speaker_accuracy": round(speaker_ok / speaker_n, 4) if speaker_n else 0.0,
            "speaker_n": speaker_n,
            "named_speaker_accuracy": round(named_ok / named_n, 4) if named_n else 0.0,
            "named_speaker_n": named_n,
        }
    )


def _news_gold(gold_dir: Path) -> dict[str, list[Record]]:
    folders = sorted(p for p in gold_dir.glob("labels_*") if p.is_dir())
    _require(len(folders) == 2, gold_dir, "a folder with sentences/ and two labels_*/ folders")
    articles = {}
    for sentence_file in sorted((gold_dir / "sentences").glob("*.json")):
        sentences = json.loads(sentence_file.read_text(encoding="utf-8"))
        first, second = (
            json.loads((folder / sentence_file.name).read_text(encoding="utf-8"))["labels"]
            for folder in folders
        )
        rows = []
        for sentence, a, b in zip(sentences["sentences"], first, second, strict=False):
            a_cfs, b_cfs = a["label"] == "CFS", b["label"] == "CFS"
            speaker = None
            if a_cfs and b_cfs and norm_name(a.get("speaker")) == norm_name(b.get("speaker")):
                speaker = norm_name(a.get("speaker"))
            rows.append(
                {
                    "span": (sentence["start"], sentence["end"]),
                    "gold": a_cfs if a_cfs == b_cfs else None,
                    "furniture": a["label"] == "FURN" and b["label"] == "FURN",
                    "speaker": speaker,
                }
            )
        articles[sentences["article"]] = rows
    return articles


def score_polnear(host: PluginHost, split: Path, limit: int | None = None) -> Record:
    """PolNeAR attributions (text/*.txt beside attributions/*.ann): claimers and content coverage.

    Claimer recall counts gold relations (content of 15+ characters, with a source) matched by
    a claim whose speaker matches the source; claimer precision counts claims with a speaker
    that match some relation's content and source; coverage counts relations whose content a
    check-worthy claim matches.
    """
    pairs = []
    for text_file in sorted((split / "text").glob("*.txt")):
        annotations = sorted((split / "attributions").glob(text_file.stem + "*.ann"))
        if annotations:
            pairs.append((text_file, annotations[0]))
    _require(pairs, split, "a PolNeAR split with text/ and attributions/ folders")
    pairs = pairs[:limit]
    scanner = Scanner(host)
    records = scanner.scan(text_file for text_file, _ in pairs)
    n_gold = n_covered = n_source = n_source_ok = n_predicted = n_predicted_ok = 0
    for text_file, annotation in pairs:
        text = read_text(text_file)
        relations = parse_ann(annotation)
        claims = records[text_file]["claims"]
        for relation in relations:
            n_gold += 1
            matches = [c for c in claims if span_match(_claim_span(c), relation["content"])]
            n_covered += any(c["checkworthy"] for c in matches)
            if relation["source"]:
                n_source += 1
                n_source_ok += any(_speaker_ok(c, relation["source"], text) for c in matches)
        for claim in claims:
            if not claim.get("speaker"):
                continue
            n_predicted += 1
            n_predicted_ok += any(
                r["source"]
                and span_match(_claim_span(claim), r["content"])
                and _speaker_ok(claim, r["source"], text)
                for r in relations
            )
    precision = prf(n_predicted_ok, n_predicted - n_predicted_ok, 0)["precision"]
    recall = n_source_ok / n_source if n_source else 0.0
    figures = scanner.stamp(
        {
            "split": split.name,
            "articles": len(pairs),
            "gold_relations": n_gold,
            "content_coverage": round(n_covered / n_gold, 4) if n_gold else 0.0,
            "claimer_recall": round(recall, 4),
            "claimer_precision": round(precision, 4),
            "claimer_f1": round(2 * precision * recall / (precision + recall), 4)
            if precision + recall
            else 0.0,
            "claims_with_speaker": n_predicted,
        }
    )
    figures["articles_per_s"] = round(len(pairs) / scanner.seconds, 2) if scanner.seconds else 0.0
    return figures


def parse_ann(path: Path) -> list[Record]:
    """Attribution relations of a BRAT file: content span, source and cue spans (or None)."""
    spans: dict[str, Span] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _kind, *rest = parts[1].split(" ")
            fragments = [tuple(map(int, f.split())) for f in " ".join(rest).split(";")]
            spans[parts[0]] = (min(f[0] for f in fragments), max(f[1] for f in fragments))
        elif line.startswith("E") and len(parts) >= 2:
            relations.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    out = []
    for relation in relations:
        content = spans.get(relation.get("Content", ""))
        if content and content[1] - content[0] >= MIN_CONTENT:
            out.append(
                {
                    "content": content,
                    "source": spans.get(relation.get("Source", "")),
                    "cue": spans.get(relation.get("Cue", "")),
                }
            )
    return out


def _speaker_ok(claim: Record, source: Span, text: str) -> bool:
    speaker = claim.get("speaker") or {}
    start, end = speaker.get("start"), speaker.get("end")
    if start is not None and end is not None and overlap((start, end), source) > 0:
        return True
    name = speaker.get("name")
    return bool(name) and norm_name(name) == norm_name(text[source[0] : source[1]])


def _require(condition: object, path: Path, expected: str) -> None:
    if not condition:
        raise UsageError(f"{path}: expected {expected}")


#: The formats ``claimtrack eval --format`` reads, and their scorers.
SCORERS: dict[str, Callable[[PluginHost, Path], Record]] = {
    "gold": score_gold,
    "checkthat": score_checkthat,
    "transcripts": score_transcripts,
    "polnear": score_polnear,
    "news": score_news,
}


def evaluate(host: PluginHost, fmt: str, path: Path) -> Record:
    """Score the plugins of ``host`` on the data set at ``path`` in format ``fmt``."""
    if fmt not in SCORERS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(SCORERS)}")
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    return SCORERS[fmt](host, path)
