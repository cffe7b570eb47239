"""A subject as a thread knows it: reply and forward prefixes off, in the languages mail uses.

"Re: AW: Fwd: Senior Backend Engineer" and "senior backend engineer" are one thread's subject.
Pure; used when a message has no References to go by.
"""

from __future__ import annotations

import re

# Re, Fwd/Fw, AW/WG (de), TR/RÉF (fr), RV/RE (es), Ответ/Отв/Пересл (ru), SV/VS (nordic),
# with counters ("Re[2]:", "RE(3):") and Outlook's full-width colon.
_PREFIX = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:re|fwd?|aw|wg|tr|réf|ref|rv|sv|vs|antw|odp|ответ|отв|пересл"
    r"|fw)\s*(?:\[\d{1,3}\]|\(\d{1,3}\))?\s*[:：]\s*",
    re.IGNORECASE,
)


def thread_subject(subject: str | None) -> str:
    """The subject without reply and forward prefixes, case-folded, spaces collapsed."""
    text = (subject or "")[:1000]
    for _ in range(20):
        cut = _PREFIX.sub("", text, count=1)
        if cut == text:
            break
        text = cut
    return " ".join(text.split()).casefold()
