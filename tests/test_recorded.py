"""The attribution frames recorded on a claim: written and read back in one format."""

from __future__ import annotations

import json

import pytest

from claimtrack import Claim, Span, Speaker
from claimtrack.text import make_article
from claimtrack_plugins import attribution
from claimtrack_plugins._recorded import ATTRIBUTIONS, RecordedFrame, record, recorded_frames

TEXT = "The plant employs 300 people, Smith said."


def _claim(records: object) -> Claim:
    article = make_article(TEXT, "t.txt")
    return Claim.from_span(article, 0, len(TEXT), details={ATTRIBUTIONS: records})


def test_a_recorded_frame_reads_back_as_written() -> None:
    frame = RecordedFrame(Span(36, 40), Span(0, 28), Speaker("Smith", "Smith", 30, 35), True)
    quoted = RecordedFrame(Span(4, 9), Span(10, 28), Speaker(None, "I", 2, 3), True, quoted=True)
    stored = json.loads(json.dumps([record(frame), record(quoted)]))  # as a store keeps it
    assert recorded_frames(_claim(stored)) == [frame, quoted]


def test_the_attribution_plugin_records_what_the_readers_read() -> None:
    article = make_article(TEXT, "t.txt")
    (claim,) = attribution.claimtrack_enrich_claims(article, [Claim.from_span(article, 0, 41)])
    (frame,) = recorded_frames(claim)
    assert article.text[frame.cue.start : frame.cue.end] == "said"
    assert article.text[frame.content.start : frame.content.end].startswith("The plant employs")
    assert frame.speaker == claim.speaker and frame.reported and not frame.quoted


GOOD = {"name": "Smith", "mention": "Smith", "start": 30, "end": 35, "cue": [36, 40]}


@pytest.mark.parametrize(
    "records",
    [
        None,
        "said",
        ["said"],
        [{**GOOD}],  # no content
        [{**GOOD, "content": [28, 0]}],
        [{**GOOD, "content": [0, "28"]}],
        [{**GOOD, "content": [False, 28]}],
        [{**GOOD, "content": [0, 28], "name": 7}],
        [{**GOOD, "content": [0, 28], "start": "30"}],
        [{**GOOD, "content": [0, 28], "end": True}],
        [{**GOOD, "content": [0, 28], "end": None}],  # one offset of the speaker's two
        [{**GOOD, "content": [0, 28], "start": -1}],
        [{**GOOD, "content": [0, 28], "start": 35, "end": 30}],
    ],
)
def test_a_record_that_is_not_well_formed_is_skipped(records: object) -> None:
    assert recorded_frames(_claim(records)) == []


def test_missing_flags_read_as_false_and_a_bare_speaker_as_unnamed() -> None:
    (frame,) = recorded_frames(_claim([{"cue": [36, 40], "content": [0, 28]}]))
    assert frame.speaker == Speaker(None) and not frame.reported and not frame.quoted
