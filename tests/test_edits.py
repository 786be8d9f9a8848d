"""An edit reopens a verdict when it changes a number, a date, a name or a negation."""

from __future__ import annotations

import pytest

from claimtrack.edits import material_change

CLAIM = "The council said 47,000 new jobs were created in March 2023, Mayor Berg said."


@pytest.mark.parametrize(
    ("after", "reason"),
    [
        (CLAIM.replace("47,000", "90,000"), "number 47,000 → 90,000"),
        (CLAIM.replace("2023", "2024"), "number 2023 → 2024"),
        (CLAIM.replace("March", "April"), "name March → April"),
        (CLAIM.replace("Berg", "Holm"), "name Berg → Holm"),
        (CLAIM.replace("were created", "were not created"), "negation — → not"),
        (CLAIM.replace("were created", "weren't created"), "negation — → n't"),
    ],
)
def test_what_a_verdict_depends_on_is_a_material_change(after: str, reason: str) -> None:
    assert material_change(CLAIM, after) == reason


@pytest.mark.parametrize(
    "after",
    [
        CLAIM.replace("council said", "council reported"),  # reworded around the same facts
        CLAIM.replace("new jobs", "new  jobs"),
        CLAIM.replace("created", "creatd"),  # a typo
        "In March 2023, 47,000 new jobs were created, Mayor Berg said.",  # moved, not changed
    ],
)
def test_rewording_is_not(after: str) -> None:
    assert material_change(CLAIM, after) is None
