"""The parse of crafted input: long runs without a space and very long sentences stay cheap."""

from __future__ import annotations

import time

from claimtrack import nlp
from claimtrack.text import make_article


def test_a_long_run_without_a_space_is_cut_into_pieces_that_keep_the_offsets() -> None:
    text = "He said “" + "“" * 20_000 + " it rose 4%."
    article = make_article(text, "crafted")
    began = time.process_time()
    doc = article.doc
    assert time.process_time() - began < 5  # spaCy's own tokenizer takes minutes on this
    assert doc.text == text
    assert max(len(token) for token in doc) <= nlp.RUN_PIECE_CHARS
    assert {"He", "said", "it", "rose"} <= {token.text for token in doc}  # the rest as usual


def test_a_very_long_sentence_is_parsed_in_pieces() -> None:
    text = "The " + "big and " * 400 + "old port said it grew 4%."
    article = make_article(text, "crafted")
    assert len(article.sentences) == 1
    starts = [s.start for s in article.doc.sents]
    assert starts[0] == 0 and len(starts) == -(-len(article.doc) // nlp.MAX_SENTENCE_TOKENS)
