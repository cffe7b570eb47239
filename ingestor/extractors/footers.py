"""Footers that a mail provider, an archive or a phone appends under what the sender wrote.

"Do You Yahoo!?", "Get Your Private, Free E-mail from MSN Hotmail", Nabble's "View this message
in context", "Sent from my BlackBerry": they are neither the sender's text nor their signature,
so they are cut from the end of the new text before the signature is looked for.
"""

from __future__ import annotations

import re

PROVIDER_FOOTER = re.compile(
    r"^\s*(?:do you yahoo!\?|.{0,60}\byahoo! (?:mail|messenger|invites|auctions|photos|greetings"
    r"|calendar|personals|shopping|groups|health|sports|games|movies|news|autos|geocities)\b"
    r"|get your private, free e-?mail from msn hotmail|join the world's largest e-?mail service"
    r"|share information about yourself, create your own public profile"
    r"|get (?:your free download of|more from the web\.\s+free) msn explorer"
    r"|(?:this message\s+)?powered by emumail|.{0,40}the free e-?mail service\.?$"
    r"|view this message in context:|sent from the .{1,80} mailing list archive at nabble\.com"
    r"|sent from: https?://\S*nabble\.com"
    r"|sent from my (?:iphone|ipad|blackberry|android|mobile|samsung|galaxy|smartphone|phone)"
    r"|sent (?:from|via) (?:mail for windows|outlook for|the bell|blackberry|my verizon)"
    r"|get outlook for (?:ios|android))",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*(?:-- ?|[_\-=*]{5,})\s*$")
_TAIL = 8  # non-blank lines at the end where a footer may start


def strip_provider_footer(text: str) -> str:
    """`text` without a provider footer at its end (and the rule line above one)."""
    lines = text.split("\n")
    seen = 0
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i].strip():
            continue
        seen += 1
        if seen > _TAIL:
            break
        if PROVIDER_FOOTER.match(lines[i]):
            cut = i
            while cut > 0 and (not lines[cut - 1].strip() or _RULE.match(lines[cut - 1])):
                cut -= 1
            return "\n".join(lines[:cut])
    return text
