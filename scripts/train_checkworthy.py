"""Train the check-worthiness model shipped as plugins/data/checkworthy.json.

Features come from ``claimtrack_plugins.checkworthiness.features`` so training and runtime agree
exactly. The model is an L2 logistic regression (scikit-learn) on CheckThat! 2024 train
(= ClaimBuster crowdsourced); ClaimBuster's three-way labels, when given, down-weight the
"unimportant factual" negatives, which sit closest to the boundary. Unlabelled news (PolNeAR train
text) adapts the model to news in two ways: the vocabulary keeps only n-grams that also occur in
it, so words peculiar to debate transcripts (moderators, "senator", applause) cannot carry the
decision on news; and each debate sentence is weighted by how news-like it is (importance weights
``p(news | x) / p(debate | x)`` from a debate-versus-news classifier, tempered by
``--domain-power``). The intercept is moved so that the F1-optimal threshold on CheckThat! 2024
dev becomes 0.5.

usage: python scripts/train_checkworthy.py --train CT24_train.tsv --dev CT24_dev.tsv \
           [--claimbuster crowdsourced.csv] [--news-dir polnear/train/text] [--out FILE]
Needs the train extra (numpy, scikit-learn) and the project installed (``pip install -e .[dev]``).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from claimtrack_plugins.checkworthiness import claim_features, features

SEED = 13
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "plugins" / "data" / "checkworthy.json"


def read_tsv(path: Path) -> list[tuple[str, str, int]]:
    """(id, text, label) rows of a CheckThat! 2024 task 1 file."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        (r["Sentence_id"], r["Text"].strip(), int(r["class_label"].strip() == "Yes")) for r in rows
    ]


def read_verdicts(path: Path) -> dict[str, int]:
    """ClaimBuster verdicts by sentence id: 1 CFS, 0 UFS, -1 NFS."""
    with open(path, encoding="utf-8", newline="") as f:
        return {r["Sentence_id"]: int(r["Verdict"]) for r in csv.DictReader(f)}


def news_sentences(folder: Path) -> Iterable[str]:
    """Rough sentences of the unlabelled news texts (only their vocabulary is used)."""
    for path in sorted(folder.glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            yield from (s for s in paragraph.replace("? ", ". ").split(". ") if s.strip())


def document_frequency(feature_sets: Iterable[set[str]]) -> Counter[str]:
    """How many of the given feature sets hold each feature."""
    counts: Counter[str] = Counter()
    for names in feature_sets:
        counts.update(names)
    return counts


def binary_matrix(rows: list[set[str]], index: dict[str, int]) -> csr_matrix:
    """Rows of feature names as a 0/1 sparse matrix over ``index``."""
    indptr, cols = [0], []
    for names in rows:
        cols.extend(sorted({index[n] for n in names if n in index}))
        indptr.append(len(cols))
    return csr_matrix((np.ones(len(cols)), cols, indptr), shape=(len(rows), len(index)))


def domain_weights(debate: list[set[str]], news: list[set[str]], power: float) -> np.ndarray:
    """Importance weights that make the debate sentences look like news, with mean 1.

    A logistic debate-versus-news classifier gives the log-odds ``z`` that a sentence is news; the
    weight is ``exp(power * z)`` (``power`` 1 is the exact density ratio, 0 is uniform), clipped
    to a factor 10 around the mean so that a few news-like outliers cannot dominate.
    """
    df = document_frequency(debate + news)
    index = {n: i for i, n in enumerate(sorted(n for n, c in df.items() if c >= 3))}
    x = binary_matrix(debate + news, index)
    y = np.r_[np.zeros(len(debate)), np.ones(len(news))]
    model = LogisticRegression(C=0.5, max_iter=2000, solver="liblinear", random_state=SEED)
    model.fit(x, y)
    ratio = np.exp(power * model.decision_function(x[: len(debate)]))
    ratio = np.clip(ratio / ratio.mean(), 0.1, 10.0)
    return np.asarray(ratio / ratio.mean())


def best_threshold(y: np.ndarray, p: np.ndarray, slack: float = 0.005) -> tuple[float, float]:
    """A cut on p with near-best F1 of the positive class, and the best F1.

    The single F1-optimal cut on a dev set of a few hundred positives is noisy, so the cut is the
    median of all cuts whose F1 is within ``slack`` of the best.
    """
    order = np.argsort(-p)
    ys, ps = y[order], p[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    f1 = 2 * tp / (k + ys.sum())
    near = np.flatnonzero(f1 >= f1.max() - slack)
    i = int(near[len(near) // 2])
    cut = float((ps[i] + ps[i + 1]) / 2) if i + 1 < len(ps) else float(ps[i])
    return cut, float(f1.max())


def prf(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tp = int((y & pred).sum())
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int(y.sum()))
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--train", type=Path, required=True, help="CT24_checkworthy_english_train.tsv")
    ap.add_argument("--dev", type=Path, required=True, help="CT24_checkworthy_english_dev.tsv")
    ap.add_argument("--claimbuster", type=Path, help="ClaimBuster crowdsourced.csv (3-way labels)")
    ap.add_argument("--news-dir", type=Path, help="unlabelled news .txt files (PolNeAR train/text)")
    ap.add_argument("--min-df", type=int, default=2, help="least document frequency of a feature")
    ap.add_argument("--news-min-df", type=int, default=2, help="least frequency in the news texts")
    ap.add_argument("--ufs-weight", type=float, default=0.25, help="weight of UFS negatives")
    ap.add_argument("--C", type=float, default=0.2, help="inverse L2 strength")
    ap.add_argument(
        "--domain-power",
        type=float,
        default=0.5,
        help="temper the news-likeness weights of debate sentences (0: unweighted)",
    )
    ap.add_argument("--max-features", type=int, default=12000, help="keep the largest weights")
    ap.add_argument(
        "--threshold-from",
        choices=("dev", "train-cv"),
        default="dev",
        help="where the F1-optimal cut that becomes 0.5 is found",
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    a = ap.parse_args()
    random.seed(SEED)
    np.random.seed(SEED)

    train, dev = read_tsv(a.train), read_tsv(a.dev)
    verdicts = read_verdicts(a.claimbuster) if a.claimbuster else {}
    train_feats = [set(features(t)) for _, t, _ in train]
    df = document_frequency(train_feats)
    news_feats = [set(features(t)) for t in news_sentences(a.news_dir)] if a.news_dir else []
    news_df = document_frequency(news_feats) if a.news_dir else None
    vocab = sorted(
        n
        for n, c in df.items()
        if c >= a.min_df and (n.startswith("f:") or news_df is None or news_df[n] >= a.news_min_df)
    )
    index = {n: i for i, n in enumerate(vocab)}
    x_train = binary_matrix(train_feats, index)
    y_train = np.array([y for _, _, y in train])
    weight = np.array([a.ufs_weight if verdicts.get(sid) == 0 else 1.0 for sid, _, _ in train])
    if news_feats and a.domain_power:
        weight = weight * domain_weights(train_feats, news_feats, a.domain_power)
    model = LogisticRegression(C=a.C, max_iter=3000, solver="liblinear", random_state=SEED)
    model.fit(x_train, y_train, sample_weight=weight)

    cut_source = a.dev.name
    if a.threshold_from == "train-cv":
        # Out-of-fold scores on train are about as hard as unseen data; the clean dev set is not.
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
        oof = np.zeros(len(y_train))
        for fit_idx, held_idx in folds.split(x_train, y_train):
            fold = LogisticRegression(C=a.C, max_iter=3000, solver="liblinear", random_state=SEED)
            fold.fit(x_train[fit_idx], y_train[fit_idx], sample_weight=weight[fit_idx])
            oof[held_idx] = fold.decision_function(x_train[held_idx])
        cv_cut, cv_f1 = best_threshold(y_train, oof)
        cut_source = f"5-fold cross-validation on {a.train.name} (F1 {cv_f1:.4f})"

    coef = model.coef_[0]
    keep = sorted(range(len(vocab)), key=lambda i: -abs(coef[i]))[: a.max_features]
    weights = {vocab[i]: round(float(coef[i]), 4) for i in sorted(keep) if round(coef[i], 4)}
    intercept = float(model.intercept_[0])

    def logits(texts: list[str]) -> np.ndarray:
        # Scored as the plugin scores a claim, so the cut fits what runs.
        return np.array(
            [intercept + sum(weights.get(n, 0.0) for n in claim_features(t)) for t in texts]
        )

    y_dev = np.array([y for _, _, y in dev]).astype(bool)
    dev_logit = logits([t for _, t, _ in dev])
    dev_cut, best_f1 = best_threshold(y_dev.astype(int), dev_logit)
    cut = cv_cut if a.threshold_from == "train-cv" else dev_cut
    intercept -= cut
    shifted = dev_logit - cut
    out = {
        "model": "logistic regression, word n-grams + hand features",
        "trained_on": [a.train.name] + ([a.claimbuster.name] if a.claimbuster else []),
        "news_text": "/".join(a.news_dir.parts[-3:]) if a.news_dir else None,
        "threshold_tuned_on": cut_source,
        "params": {
            "C": a.C,
            "min_df": a.min_df,
            "news_min_df": a.news_min_df,
            "ufs_weight": a.ufs_weight,
            "max_features": a.max_features,
            "domain_power": a.domain_power if a.news_dir else 0.0,
            "seed": SEED,
        },
        "intercept": round(intercept, 6),
        "weights": weights,
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(
        json.dumps(out, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    report = {
        "vocabulary": len(vocab),
        "kept": len(weights),
        "bytes": a.out.stat().st_size,
        "cut": round(cut, 4),
        "dev_cut": round(dev_cut, 4),
        "dev_best_f1": round(best_f1, 4),
        "dev_at_0.5": prf(y_dev, shifted >= 0),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
