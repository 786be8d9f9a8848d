"""The language layer: the installed pipeline is found, and an article is parsed once, lazily."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from claimtrack import nlp, user_config
from claimtrack.model import parse_together
from claimtrack.text import make_article

if TYPE_CHECKING:
    from spacy.tokens import Doc

TEXT = (
    "Mr. Smith said the plan failed. The ministry, led by Sara Kahn, said it cost "
    "40 million dollars.\n\nFinance Minister Sara Kahn disagreed."
)


def test_the_installed_english_pipeline_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(nlp.MODEL_VARIABLE, raising=False)
    nowhere = nlp.Path("/nonexistent/config.toml")
    monkeypatch.setattr(user_config, "user_config_file", lambda: nowhere)
    assert nlp.model_name() in nlp.DEFAULT_MODELS
    pipeline = nlp.load_model()
    assert {"parser", "ner", "tagger"} <= set(pipeline.pipe_names)


def test_the_tokenizer_is_the_pipelines_own_splitting_quotation_marks() -> None:
    import spacy

    name = nlp.model_name()
    pipeline = spacy.load(name)
    theirs: Any = pipeline.tokenizer
    theirs.infix_finditer = nlp._quotation_mark_infixes(pipeline).finditer
    ours: Any = nlp.load_model(name).tokenizer
    assert ours.to_bytes() == theirs.to_bytes()
    words = [t.text for t in ours("“…useful,”Tasnim told")]
    assert words[-4:] == [",", "”", "Tasnim", "told"]


def test_the_environment_names_the_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nlp.MODEL_VARIABLE, "no_such_pipeline_xyz")
    assert nlp.model_name() == "no_such_pipeline_xyz"
    with pytest.raises(nlp.ModelError, match="no_such_pipeline_xyz"):
        nlp.load_model("no_such_pipeline_xyz")


def test_the_user_configuration_names_the_pipeline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: nlp.Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[nlp]\nmodel = "en_core_web_trf"\n', encoding="utf-8")
    monkeypatch.delenv(nlp.MODEL_VARIABLE, raising=False)
    monkeypatch.setattr(user_config, "user_config_file", lambda: config)
    assert nlp.model_name() == "en_core_web_trf"


def test_the_parse_follows_the_articles_sentences() -> None:
    article = make_article(TEXT, "t.txt")
    sentences = list(article.doc.sents)
    assert [s.start_char for s in sentences] == [s.start for s in article.sentences]
    assert article.doc.text == article.text


def test_offsets_index_the_article_text() -> None:
    article = make_article(TEXT, "t.txt")
    for entity in article.doc.ents:
        assert article.text[entity.start_char : entity.end_char] == entity.text
    assert ("Sara Kahn", "PERSON") in {(e.text, e.label_) for e in article.doc.ents}


def test_an_article_is_parsed_once_and_its_copies_share_the_parse() -> None:
    article = make_article(TEXT, "t.txt")
    doc = article.doc
    assert article.doc is doc
    assert dataclasses.replace(article, furniture=()).doc is doc


def test_a_pickled_article_leaves_its_parse_behind() -> None:
    article = make_article(TEXT, "t.txt")
    article.doc  # noqa: B018 - parse it
    copy = pickle.loads(pickle.dumps(article))
    assert copy == article
    assert copy._parse.doc is None


def test_parsed_gives_the_tokens_of_a_span() -> None:
    article = make_article(TEXT, "t.txt")
    first = article.parsed(article.sentences[0])
    assert first.root.lemma_ == "say"
    assert [t.dep_ for t in first if t.text == "Smith"] == ["nsubj"]


def _annotations(doc: Doc) -> list[tuple[object, ...]]:
    return [
        (t.idx, t.text, t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
        for t in doc
    ] + [(s.start, s.end) for s in doc.sents]


def test_articles_parsed_together_get_the_parse_each_makes_alone() -> None:
    texts = [TEXT, "Prices rose.", "“We won,” she said.\n\nThe mayor, Ana Ruiz, denied it."]
    alone = [make_article(text, f"{i}.txt").doc for i, text in enumerate(texts)]
    together = [make_article(text, f"{i}.txt") for i, text in enumerate(texts)]
    parse_together(together)
    for article, doc in zip(together, alone, strict=True):
        assert article._parse.doc is not None  # made by the batch, not on first use
        assert _annotations(article.doc) == _annotations(doc)
        assert (article.doc.tensor == doc.tensor).all()


def test_a_text_too_long_for_a_batch_is_parsed_in_stretches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(nlp, "CHUNK_TOKENS", 10)
    alone = make_article(TEXT, "a").doc
    short, long = make_article("Prices rose.", "a"), make_article(TEXT, "b")
    parse_together([short, long])
    assert short._parse.doc is not None and long._parse.doc is not None
    assert long.doc.text == TEXT and _annotations(long.doc) == _annotations(alone)


def test_a_batch_that_fails_leaves_every_text_to_parse_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("crafted input")

    monkeypatch.setattr(nlp, "_tokenise", broken)
    assert nlp.parse_many([("Prices rose.", ()), ("Sara Kahn said so.", ())]) == [None, None]


def test_lemmas_are_the_ones_spacys_lemmatizer_gives() -> None:
    text = (
        "The ministers were saying that prices had risen; she's running, they ran, "
        "better data shows the cities' budgets grew. “It wasn't,” he added, gonna lie."
    )
    model = nlp.load_model()
    ours = nlp.parse(text)
    theirs = model(nlp._tokenise(model, text))
    assert [t.lemma_ for t in ours] == [t.lemma_ for t in theirs]
    assert ours[1].lemma_ == "minister" and ours[3].lemma_ == "say"


def test_the_remembered_lemmas_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "MAX_REMEMBERED", 5)
    lemmas = next(s for s in nlp._steps(nlp.load_model()) if isinstance(s, nlp._Lemmas))
    monkeypatch.setattr(lemmas, "lemmas", {})  # what earlier parses left does not count
    doc = nlp.parse("The ministers were saying that prices had risen in the cities.")
    assert [t.lemma_ for t in doc][1:4] == ["minister", "be", "say"]
    assert 0 < len(lemmas.lemmas) <= 5


def test_loading_the_model_does_not_import_spacys_command_line() -> None:
    script = (
        "import sys\n"
        "from claimtrack import nlp\n"
        "nlp.load_model()\n"
        "print('spacy.cli' in sys.modules, 'requests' in sys.modules)\n"
        "import spacy.cli\n"
        "print(callable(spacy.cli.info), callable(sys.modules['spacy'].info))\n"
    )
    assert _printed(script) == ["False", "False", "True", "True"]


def test_loading_keeps_the_collector_on_and_the_entry_points_of_each_group() -> None:
    script = (
        "import gc\n"
        "from importlib import metadata\n"
        "from claimtrack import nlp\n"
        "nlp.load_model()\n"
        "import catalogue\n"
        "grouped = catalogue.AVAILABLE_ENTRY_POINTS\n"
        "found = metadata.entry_points()\n"
        "same = all(grouped.get(g, []) == list(found.select(group=g)) for g in found.groups)\n"
        "every = sorted(grouped) == sorted(found.groups)\n"
        "print(gc.isenabled(), type(grouped).__name__, same, every)\n"
    )
    assert _printed(script) == ["True", "dict", "True", "True"]


def _printed(script: str) -> list[str]:
    """The words ``script`` prints, run in a fresh interpreter (spaCy is imported once per
    process)."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.split()


def test_msgpack_decoders_are_listed_again_when_one_is_registered_while_loading() -> None:
    import catalogue
    from srsly import msgpack

    decoders = msgpack.msgpack_decoders
    key = (*decoders.namespace, "claimtrack_test_decoder")

    def decode(obj: Any, chain: Any = None) -> Any:
        return obj

    try:
        with nlp._msgpack_decoders_listed_once():
            before = decoders.get_all()
            assert decoders.get_all() == before
            decoders.register("claimtrack_test_decoder", func=decode)
            after = decoders.get_all()
    finally:
        catalogue.REGISTRY.pop(key, None)
    assert "claimtrack_test_decoder" not in before and after["claimtrack_test_decoder"] is decode
    assert "get_all" not in vars(decoders)  # srsly asks catalogue itself again
    assert decoders.get_all() == before


def test_attributes_are_the_ones_spacys_attribute_ruler_gives() -> None:
    text = (
        "She ain't gonna sell it, let's say. The U.S. firms' tags:  two  spaces \n\nand more. "
        "It's nothin' to us, and we're not selling, whether or not they'd like that."
    )
    model = nlp.load_model()
    ours = nlp.parse(text)
    theirs = model(nlp._tokenise(model, text))
    assert [(t.tag_, t.pos_, str(t.morph), t.lemma_) for t in ours] == [
        (t.tag_, t.pos_, str(t.morph), t.lemma_) for t in theirs
    ]


def test_word_forms_no_attribute_rule_tells_apart_read_as_one() -> None:
    strings = nlp.load_model().vocab.strings
    rules: list[dict[str, Any]] = [
        {"LOWER": "ai"},
        {"LOWER": {"IN": ["is"]}, "TAG": "VBZ"},
        {"LOWER": {"REGEX": "^n.t$"}},
    ]
    forms = nlp._NamedForms.of(strings, "LOWER", rules)
    assert forms is not None
    assert [forms.told_apart(strings.add(w)) for w in ("ai", "is", "not", "table")] == [
        True,
        True,
        True,
        False,
    ]
    assert nlp._NamedForms.of(strings, "LOWER", [{"LOWER": {"FUZZY": "ai"}}]) is None
