"""The attribution frames recorded on a claim: one format, written and read here.

The attribution plugin records, on each claim, the frames whose cue lies in it under
``details["attributions"]`` (public data, docs/attribution.md): the frame's speaker (the
contract's speaker object), its cue's and content's offsets, whether it reports speech or
thought (``reported``) and whether it is a quoted speaker's own frame (``quoted``). The
enrichers after it (stand-alone text, contradictions, check-worthiness) read them back with
:func:`recorded_frames`, which skips what is not well formed: a user's enricher may write
anything there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from claimtrack import Claim, Span, Speaker

#: The ``details`` key holding a claim's attribution frames.
ATTRIBUTIONS = "attributions"


@dataclass(frozen=True, slots=True)
class RecordedFrame:
    """An attribution frame as recorded on a claim.

    ``reported`` is false for a stance or an act ("denounced the plan"); ``quoted`` marks a
    quoted speaker's own frame ("“I think it will close,” she said"), which gives no claim a
    speaker and whose speaker is its source's words, unresolved.
    """

    cue: Span
    content: Span
    speaker: Speaker
    reported: bool
    quoted: bool = False


def record(frame: RecordedFrame) -> dict[str, object]:
    """``frame`` as it is stored in ``details["attributions"]`` (JSON-serialisable)."""
    return {
        **frame.speaker.to_json(),
        "cue": [frame.cue.start, frame.cue.end],
        "content": [frame.content.start, frame.content.end],
        "reported": frame.reported,
        **({"quoted": True} if frame.quoted else {}),
    }


def recorded_frames(claim: Claim) -> list[RecordedFrame]:
    """The frames recorded on ``claim``, in the order recorded; entries without well-formed
    cue and content offsets, or with a speaker whose words or offsets are not (both offsets
    or neither), are skipped."""
    recorded = claim.details.get(ATTRIBUTIONS)
    if not isinstance(recorded, list):
        return []
    frames = []
    for entry in recorded:
        if not isinstance(entry, Mapping):
            continue
        cue, content = _span(entry.get("cue")), _span(entry.get("content"))
        name, mention = entry.get("name"), entry.get("mention")
        start, end = entry.get("start"), entry.get("end")
        if (
            cue is None
            or content is None
            or not all(value is None or isinstance(value, str) for value in (name, mention))
            or ((start, end) != (None, None) and _span([start, end]) is None)
        ):
            continue
        speaker = Speaker(name, mention, start, end)
        reported, quoted = entry.get("reported") is True, entry.get("quoted") is True
        frames.append(RecordedFrame(cue, content, speaker, reported, quoted))
    return frames


def _span(value: object) -> Span | None:
    """A recorded ``[start, end]`` pair of character offsets as a span, else None."""
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in value)
        and 0 <= value[0] <= value[1]
    ):
        return Span(value[0], value[1])
    return None
