"""Train, cross-validate and ship the check-worthiness model (plugins/data/checkworthy.json).

Features come from ``claimtrack_plugins.checkworthiness`` (``features`` and ``representation``
on each sentence's ``reported_content``) after the same steps a scan takes (the core's
sentences and parse, the furniture plugin, the attribution plugin's frames on every candidate
sentence), so training and runtime agree exactly. The model is an L2 logistic regression
(scikit-learn) on:

- CheckThat! 2024 task 1 English train, dev and dev-test (= ClaimBuster debate sentences, whose
  three-way verdicts down-weight the "unimportant factual" negatives: ``--ufs-weight``);
- the labelled news sets (``gold/news-dev``, ``gold/news-web-dev``): every core sentence of an
  article that matches a sentence both labellers agree on, weighted ``--news-weight`` each.

Everything is chosen by grouped cross-validation, never by the score on one dev file: each
news publisher (news-dev: 7; news-web-dev: 8, with nytimes x4 and yahoo x2 one group each) is
held out in turn, as is each debate (``--debate-folds N`` groups the debates into N folds
instead, for quick runs), and CheckThat! 2024 dev-test (the 2020 debates) is a group of its own.
Out-of-fold scores are smoothed over each article's neighbours as the plugin does; the
threshold is the cut that maximises the mean F1 of three families (news-dev, news-web-dev, the
debates pooled) and becomes 0.5 in the shipped model. CheckThat! 2019 training transcripts are
never trained on: they are scored by the model fitted on everything else, for MAP.

usage: python scripts/train_checkworthy.py --shared ../shared [--cache FILE] [--no-write]
           [--C 0.1] [--news-weight 5] [--ufs-weight 0.25] [--debate-folds 0]
Prints the cross-validated table (markdown) and writes the model unless ``--no-write``.
Needs the train extra (numpy, scikit-learn): ``pip install -e .[train]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import pickle
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression

from claimtrack import Claim
from claimtrack.pipeline import merge_spans
from claimtrack.text import make_article
from claimtrack_plugins.attribution import claimtrack_enrich_claims as attribute
from claimtrack_plugins.checkworthiness import (
    NEIGHBOURS,
    Content,
    features,
    placements,
    recorded_reports,
    reported_content,
    representation,
    scored_sentences,
)
from claimtrack_plugins.furniture import claimtrack_find_furniture

SEED = 13
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "plugins" / "data" / "checkworthy.json"
#: The families whose mean out-of-fold F1 picks the threshold.
FAMILIES = ("news-dev", "news-web-dev", "debates")
#: Folds smaller than a publisher: articles of one publisher are one group.
WEB_GROUPS = {"nytimes": "nytimes", "yahoo": "yahoo"}


@dataclass
class Unit:
    """One scored span (a core sentence, or a whole CheckThat! sentence) and its features."""

    names: list[str]
    vector: np.ndarray
    source: str
    group: str
    text: str = ""
    label: int | None = None
    unimportant: bool = False  # ClaimBuster's "unimportant factual sentence" (a weak negative)


@dataclass
class Document:
    """A scanned text: its units in reading order and its labelled rows (label, units hit)."""

    source: str
    group: str
    units: list[int] = field(default_factory=list)
    rows: list[tuple[int, list[int]]] = field(default_factory=list)


@dataclass
class Data:
    """All units and documents."""

    units: list[Unit] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


def _vector(span: object, content: Content) -> np.ndarray:
    found = representation(span, content)  # type: ignore[arg-type]
    return np.asarray(found if found is not None else [], dtype="float32")


def _sentence_units(data: Data, text: str, source: str, group: str) -> tuple[Document, list]:
    """Scan ``text`` as ``claimtrack scan`` does, up to the scorer: the core's sentences, the
    furniture plugin, one candidate claim per other sentence, the attribution plugin's frames
    on them; one unit per candidate, read on its reported content as the scorer reads it, with
    its sentence's place in the text (``placements``)."""
    article = make_article(text, source)
    article = replace(article, furniture=merge_spans(claimtrack_find_furniture(article)))
    sentences = scored_sentences(article)
    candidates = [Claim.from_span(article, s.start, s.end, checkworthy=None) for s in sentences]
    reports = recorded_reports(attribute(article, candidates))
    places = placements(article)
    document = Document(source, group)
    spans = []
    for sentence, claim in zip(sentences, candidates, strict=True):
        span = article.parsed(claim.span)
        content = reported_content(span, reports)
        names = features(span, content) + list(places[sentence.start, sentence.end])
        data.units.append(Unit(names, _vector(span, content), source, group, span.text))
        document.units.append(len(data.units) - 1)
        spans.append((claim.start, claim.end))
    return document, spans


def _matches(pred: tuple[int, int], gold: tuple[int, int]) -> bool:
    """The scorers' span match: the overlap covers half of either span."""
    overlap = max(0, min(pred[1], gold[1]) - max(pred[0], gold[0]))
    return overlap > 0 and (2 * overlap >= gold[1] - gold[0] or 2 * overlap >= pred[1] - pred[0])


def read_tsv(path: Path) -> list[tuple[str, str, int]]:
    """(id, text, label) rows of a CheckThat! 2024 task 1 file."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        (r["Sentence_id"], r["Text"].strip(), int(r["class_label"].strip() == "Yes")) for r in rows
    ]


def load_debates(data: Data, shared: Path) -> None:
    """CheckThat! 2024 sentences, each scanned alone; grouped by ClaimBuster debate."""
    debates: dict[str, tuple[str, int]] = {}
    for name in ("crowdsourced.csv", "groundtruth.csv"):
        with open(shared / "data/claimbuster" / name, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                debates[r["Sentence_id"]] = (r["File_id"].removesuffix(".txt"), int(r["Verdict"]))
    for split in ("train", "dev", "dev-test"):
        path = shared / f"data/checkthat2024/CT24_checkworthy_english_{split}.tsv"
        for sid, text, label in read_tsv(path):
            debate, verdict = debates.get(sid, ("2020", None))
            source = "ct24-dev-test" if split == "dev-test" else "debates"
            document, _ = _sentence_units(data, text + "\n", source, "debate:" + debate)
            if not document.units:
                continue
            # A sentence the core splits in two (20 of 22,501) is one unit: its first sentence.
            del document.units[1:]
            unit = data.units[document.units[0]]
            unit.label, unit.unimportant = label, verdict == 0
            document.rows.append((label, document.units[:]))
            data.documents.append(document)
        print(f"parsed {split}", file=sys.stderr)


def _news_group(kind: str, name: str) -> str:
    if kind == "news-dev":
        return "news:" + name.split("_")[0]
    base = name.rsplit("-", 1)[0] if name[-1].isdigit() and "-" in name else name
    return "web:" + WEB_GROUPS.get(base, base)


def load_news(data: Data, gold: Path) -> None:
    """A labelled news set: core sentences labelled by the agreed gold sentence they match."""
    kind = gold.name
    folders = sorted(p for p in gold.glob("labels_*") if p.is_dir())
    for sentences_file in sorted((gold / "sentences").glob("*.json")):
        sentences = json.loads(sentences_file.read_text(encoding="utf-8"))
        a, b = (
            json.loads((f / sentences_file.name).read_text(encoding="utf-8"))["labels"]
            for f in folders
        )
        with open(gold / "text" / sentences["article"], encoding="utf-8-sig", newline="") as f:
            text = f.read()
        document, spans = _sentence_units(data, text, kind, _news_group(kind, sentences_file.stem))
        for sentence, la, lb in zip(sentences["sentences"], a, b, strict=True):
            if (la["label"] == "CFS") != (lb["label"] == "CFS"):
                continue
            label = int(la["label"] == "CFS")
            gold_span = (sentence["start"], sentence["end"])
            hits = [u for u, s in zip(document.units, spans, strict=True) if _matches(s, gold_span)]
            document.rows.append((label, hits))
            if hits:  # the sentence that overlaps most is the training unit
                best = max(hits, key=lambda u: _overlap(spans[document.units.index(u)], gold_span))
                data.units[best].label = label
        data.documents.append(document)
    print(f"parsed {kind}", file=sys.stderr)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def load_transcripts(data: Data, folder: Path) -> None:
    """CheckThat! 2019 transcripts, one paragraph per line, as the ranking scorer scans them."""
    for path in sorted(folder.glob("*.tsv")):
        with open(path, encoding="utf-8", newline="") as f:
            lines = [
                r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if len(r) >= 4
            ]
        text, rows = "", []
        for r in lines:
            start = len(text)
            text += r[2].strip()
            rows.append((start, len(text), int(r[3])))
            text += "\n\n"
        document, spans = _sentence_units(data, text, "ct19", "ct19:" + path.stem)
        for start, end, label in rows:
            hits = [
                u for u, s in zip(document.units, spans, strict=True) if _overlap(s, (start, end))
            ]
            document.rows.append((label, hits))
        data.documents.append(document)
    print("parsed ct19", file=sys.stderr)


def load(shared: Path, cache: Path | None) -> Data:
    """Parse every data set once (or read the cache written by an earlier run)."""
    if cache and cache.exists():
        with cache.open("rb") as f:
            loaded: Data = pickle.load(f)
            return loaded
    data = Data()
    load_debates(data, shared)
    load_news(data, shared / "gold/news-dev")
    load_news(data, shared / "gold/news-web-dev")
    load_transcripts(data, shared / "data/checkthat2019/training")
    if cache:
        with cache.open("wb") as f:
            pickle.dump(data, f)
    return data


@dataclass
class Design:
    """The training matrix of every unit, and what the fit needs to know about it."""

    x: csr_matrix
    y: np.ndarray
    weight: np.ndarray
    vocabulary: list[str]
    mean: np.ndarray
    scale: np.ndarray


def design(data: Data, a: argparse.Namespace) -> Design:
    """Binary sparse features seen in at least ``--min-df`` labelled units, plus the
    standardised representation."""
    labelled = [u for u in data.units if u.label is not None]
    df: Counter[str] = Counter()
    for u in labelled:
        df.update(set(u.names))
    vocabulary = sorted(n for n, c in df.items() if c >= a.min_df)
    index = {n: i for i, n in enumerate(vocabulary)}
    indptr, cols = [0], []
    for u in data.units:
        cols.extend(sorted({index[n] for n in u.names if n in index}))
        indptr.append(len(cols))
    sparse = csr_matrix(
        (np.ones(len(cols)), cols, indptr), shape=(len(data.units), len(vocabulary))
    )
    vectors = np.vstack([u.vector for u in data.units]).astype("float64")
    mean = vectors[[u.label is not None for u in data.units]].mean(axis=0)
    scale = vectors.std(axis=0) + 1e-6
    x = hstack([sparse, csr_matrix((vectors - mean) / scale)]).tocsr()
    y = np.array([-1 if u.label is None else u.label for u in data.units])
    weight = np.array(
        [
            a.news_weight
            if u.source.startswith("news")
            else (a.ufs_weight if u.unimportant else 1.0)
            for u in data.units
        ]
    )
    return Design(x, y, weight, vocabulary, mean, scale)


def fit(d: Design, rows: np.ndarray, c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, max_iter=3000, tol=1e-3, random_state=SEED)
    model.fit(d.x[rows], d.y[rows], sample_weight=d.weight[rows])
    return model


def folds(data: Data, debate_folds: int) -> dict[str, str]:
    """The fold of each group: a publisher, a debate (or one of N debate folds), dev-test."""
    groups = sorted({u.group for u in data.units})
    debates = [g for g in groups if g.startswith("debate:") and g != "debate:2020"]
    fold = {g: g for g in groups if not g.startswith("ct19:")}
    if debate_folds:
        fold.update({g: f"debates {i % debate_folds}" for i, g in enumerate(debates)})
    return fold


def smooth(logits: list[float], weight: float) -> list[float]:
    """As the plugin's ``smooth``, with the weight under test."""
    out = []
    for i, own in enumerate(logits):
        near = [*logits[max(0, i - NEIGHBOURS) : i], *logits[i + 1 : i + 1 + NEIGHBOURS]]
        out.append(own + weight * (sum(near) / len(near) - own) if near else own)
    return out


def raw_out_of_fold(data: Data, d: Design, a: argparse.Namespace) -> np.ndarray:
    """Each unit's logit from a model that never saw its group (ct19: never trained on),
    before smoothing."""
    fold = folds(data, a.debate_folds)
    labelled = np.flatnonzero(d.y >= 0)
    unit_fold = np.array([fold.get(u.group, "") for u in data.units])
    logits = np.zeros(len(data.units))
    for name in sorted(set(fold.values())):
        held = unit_fold == name
        model = fit(d, labelled[~held[labelled]], a.C)
        logits[held] = model.decision_function(d.x[held])
        print(f"fold {name}", file=sys.stderr)
    transcripts = unit_fold == ""
    logits[transcripts] = fit(d, labelled, a.C).decision_function(d.x[transcripts])
    return logits


def smoothed(data: Data, logits: np.ndarray, weight: float) -> np.ndarray:
    """``logits`` with each document's units smoothed over their neighbours (see smooth())."""
    out = logits.copy()
    for document in data.documents:
        if len(document.units) > 1:
            out[document.units] = smooth(list(logits[document.units]), weight)
    return out


def out_of_fold(data: Data, d: Design, a: argparse.Namespace) -> np.ndarray:
    """Each unit's smoothed logit from a model that never saw its group."""
    return smoothed(data, raw_out_of_fold(data, d, a), a.neighbour_weight)


def _scores(data: Data, logits: np.ndarray, source: str) -> tuple[np.ndarray, np.ndarray, list]:
    """(labels, scores, groups) of the labelled rows of a source: a row scores its best unit."""
    ys, ss, gs = [], [], []
    for document in data.documents:
        if source in (document.source, "debates" if document.source == "ct24-dev-test" else ""):
            for label, hits in document.rows:
                ys.append(label)
                ss.append(max((logits[u] for u in hits), default=-99.0))
                gs.append(document.group)
    return np.array(ys), np.array(ss), gs


def prf(y: np.ndarray, s: np.ndarray, cut: float) -> tuple[float, float, float]:
    predicted = s >= cut
    tp = int((predicted & (y == 1)).sum())
    p = tp / max(1, int(predicted.sum()))
    r = tp / max(1, int((y == 1).sum()))
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def average_precision(y: np.ndarray, s: np.ndarray) -> float:
    ranked = y[np.argsort(-s, kind="stable")]
    if not ranked.sum():
        return 0.0
    hits = np.cumsum(ranked)
    return float((hits / np.arange(1, len(ranked) + 1))[ranked == 1].mean())


def threshold(data: Data, logits: np.ndarray) -> float:
    """The cut maximising the mean out-of-fold F1 of :data:`FAMILIES`."""
    sets = [_scores(data, logits, f)[:2] for f in FAMILIES]
    cuts = np.linspace(-4, 4, 801)
    objective = [np.mean([prf(y, s, c)[2] for y, s in sets]) for c in cuts]
    return float(cuts[int(np.argmax(objective))])


def _row(name: str, y: np.ndarray, s: np.ndarray, cut: float, bold: bool = False) -> str:
    p, r, f = prf(y, s, cut)
    f1 = f"**{f:.3f}**" if bold else f"{f:.3f}"
    ap = average_precision(y, s)
    return f"| {name} | {len(y)} | {p:.3f} | {r:.3f} | {f1} | {ap:.3f} |"


def table(data: Data, logits: np.ndarray, cut: float) -> Iterator[str]:
    """The cross-validated table, markdown: pooled per source, then per held-out group."""
    yield "| held out | sentences | P | R | F1 | AP |"
    yield "|---|---|---|---|---|---|"
    for source in ("news-dev", "news-web-dev", "ct24-dev-test", "debates"):
        y, s, groups = _scores(data, logits, source)
        label = "debates (all CheckThat! 2024)" if source == "debates" else source
        yield _row(f"**{label}, pooled**", y, s, cut, bold=True)
        if source.startswith("news"):
            for group in sorted(set(groups)):
                keep = np.array([g == group for g in groups])
                yield _row(group, y[keep], s[keep], cut)
    maps = [
        average_precision(
            np.array([y for y, _ in doc.rows]),
            np.array([max((logits[u] for u in hits), default=-99.0) for _, hits in doc.rows]),
        )
        for doc in data.documents
        if doc.source == "ct19"
    ]
    name = f"CheckThat! 2019 training, MAP ({len(maps)} transcripts)"
    yield f"| {name} | | | | | **{np.mean(maps):.3f}** |"


def model_file(d: Design, model: LogisticRegression, cut: float, a: argparse.Namespace) -> dict:
    """The shipped model file of a fit on everything: the cut moved to logit 0."""
    n_sparse = len(d.vocabulary)
    coef = model.coef_[0]
    keep = sorted(range(n_sparse), key=lambda i: -abs(coef[i]))[: a.max_features]
    weights = {d.vocabulary[i]: round(float(coef[i]), 4) for i in sorted(keep) if round(coef[i], 4)}
    dense = coef[n_sparse:] / d.scale
    intercept = float(model.intercept_[0]) - float(dense @ d.mean) - cut
    return {
        "model": "logistic regression: parse features, words and the mean of doc.tensor",
        "trained_on": ["CheckThat! 2024 train, dev, dev-test", "news-dev", "news-web-dev"],
        "threshold_from": "grouped cross-validation (mean F1 of news-dev, news-web-dev, debates)",
        "params": {
            "C": a.C,
            "news_weight": a.news_weight,
            "ufs_weight": a.ufs_weight,
            "min_df": a.min_df,
            "max_features": a.max_features,
            "seed": SEED,
        },
        "neighbour_weight": a.neighbour_weight,
        "intercept": round(intercept, 6),
        "dense": [round(float(x), 6) for x in dense],
        "dense_mean": [round(float(x), 6) for x in d.mean],
        "weights": weights,
    }


def arguments(description: str | None, out: Path) -> argparse.ArgumentParser:
    """The options every check-worthiness trainer takes (data, fit and cross-validation)."""
    ap = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawTextHelpFormatter
    )
    ap.add_argument("--shared", type=Path, required=True, help="the shared data folder")
    ap.add_argument("--cache", type=Path, help="parsed units are kept here between runs")
    ap.add_argument("--C", type=float, default=0.1, help="inverse L2 strength")
    ap.add_argument("--news-weight", type=float, default=5.0, help="weight of a news sentence")
    ap.add_argument("--ufs-weight", type=float, default=0.25, help="weight of UFS negatives")
    ap.add_argument("--min-df", type=int, default=2, help="least labelled units with a feature")
    ap.add_argument("--neighbour-weight", type=float, default=0.3, help="see smooth()")
    ap.add_argument("--max-features", type=int, default=8000, help="keep the largest weights")
    ap.add_argument("--debate-folds", type=int, default=0, help="0: leave one debate out")
    ap.add_argument("--no-write", action="store_true", help="print the table only")
    ap.add_argument("--out", type=Path, default=out)
    return ap


def main() -> None:
    a = arguments(__doc__, DEFAULT_OUT).parse_args()
    np.random.seed(SEED)

    data = load(a.shared, a.cache)
    d = design(data, a)
    logits = out_of_fold(data, d, a)
    cut = threshold(data, logits)
    print(f"cut {cut:.3f}; C {a.C}, news weight {a.news_weight}, UFS weight {a.ufs_weight}")
    print("\n".join(table(data, logits, cut)))
    if a.no_write:
        return
    out = model_file(d, fit(d, np.flatnonzero(d.y >= 0), a.C), cut, a)
    a.out.write_text(json.dumps(out, separators=(",", ":"), sort_keys=True) + "\n", "utf-8")
    print(f"wrote {a.out} ({a.out.stat().st_size} bytes, {len(out['weights'])} weights)")


if __name__ == "__main__":
    main()
