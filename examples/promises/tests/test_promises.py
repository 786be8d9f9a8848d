"""Tests for the promises extractor, run in a fresh plugin host with claimtrack.testing."""

import claimtrack_promises

from claimtrack.testing import run_plugins

TEXT = (
    "The minister spoke on Monday. We will plant a million trees, she said. "
    "By 2030 every school will have solar panels. Will it happen?"
)


def test_finds_commitments_and_dated_targets() -> None:
    result = run_plugins(TEXT, claimtrack_promises)
    assert [c.text for c in result.claims] == [
        "We will plant a million trees, she said.",
        "By 2030 every school will have solar panels.",
    ]
    assert not result.errors


def test_promises_are_positions_and_name_their_cue() -> None:
    claim = run_plugins("We will cut taxes.", claimtrack_promises).claims[0]
    assert claim.type == "position"
    assert claim.extractor == "claimtrack_promises"
    assert claim.details["promise"] == ["We will"]


def test_questions_and_plain_statements_are_not_promises() -> None:
    result = run_plugins("Unemployment fell last year. Will taxes rise?", claimtrack_promises)
    assert result.claims == ()


def test_with_the_bundled_plugins_the_type_is_kept_and_the_score_rescored() -> None:
    result = run_plugins("We will cut taxes by 2030.", claimtrack_promises, bundled=True)
    (claim,) = result.claims
    assert claim.extractor == "claimtrack_promises"
    assert claim.type == "position"  # claimtypes only types claims left at "other"
    assert claim.details["extractor_score"] == 0.8  # ours; claim.score is the bundled scorer's
    assert not result.errors
