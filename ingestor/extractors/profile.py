"""Read what one message says about its sender: new text, signature fields and phones.

This ties the pure extractors together (htmltext → quotes → signature → phones) and renders the
"new_text" / "signature" / "phones" part of the `ingestor extract --json` contract. No I/O, no
clock, no database: text and the sender's identity in, findings out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ingestor.extractors.footers import strip_provider_footer
from ingestor.extractors.htmltext import html_to_text
from ingestor.extractors.phones import Phone, find_phones
from ingestor.extractors.quotes import QuotedPart, split_new_text
from ingestor.extractors.sigmodel import LineModel
from ingestor.extractors.signature import (
    SignatureBlock,
    SignatureFields,
    clear_caches,
    find_signature,
    is_senders,
    parse_signature,
)

__all__ = ["FoundSignature", "ProfileFindings", "clear_caches", "extract_profile", "to_json_dict"]

# Chosen on the real dev sets (benchmarks/score_real.py --calibrate); see the README.
FIELD_THRESHOLD = 0.6
PROFILE_PHONE_CONFIDENCE = 0.7  # a phone at least this sure is a signature's, for the profile
UNMATCHED_NAME_FACTOR = 0.8
GUESSED_FACTOR = 0.5
MAX_TEXT_CHARS = 1_000_000  # a person's message is never this long; the rest is not read


@dataclass(frozen=True)
class FoundSignature:
    """The signature block as written and the fields read from it."""

    block: SignatureBlock
    fields: SignatureFields

    @property
    def text(self) -> str:
        return self.block.text

    def confidence(self, field: str) -> float:
        """How sure the reading of `field` (name, title, company, location) is, 0..1.

        The line model's confidence in the block, lowered when the block's name is not the
        sender's and when the field was read from its position alone (the line under the
        name) rather than from a job-title word or a company suffix. Fields under
        FIELD_THRESHOLD are kept as evidence only: the threshold leaves out position-only
        readings, and gave title precision 0.93 and company 0.84 on the Enron dev mailboxes.
        """
        value = self.block.confidence
        if not self.fields.name_matches_sender:
            value *= UNMATCHED_NAME_FACTOR
        if field in self.fields.guessed:
            value *= GUESSED_FACTOR
        return round(value, 3)


@dataclass(frozen=True)
class ProfileFindings:
    """What one message tells about its sender."""

    new_text: str
    signature: FoundSignature | None
    phones: list[Phone]  # every phone in the new text; signature ones at higher confidence
    quoted: list[QuotedPart] = field(default_factory=list)


def extract_profile(
    text_plain: str | None,
    text_html: str | None,
    sender_name: str | None,
    sender_email: str | None,
    default_region: str,
    line_model: LineModel | None | Literal["shipped"] = "shipped",
) -> ProfileFindings:
    """Extract new text, signature and phones from a message's text parts.

    The plain part is preferred; the HTML part is rendered only when there is no usable plain
    part. `default_region` (ISO 3166 alpha-2) is the last resort for national phone formats.
    `line_model` picks the signature's lines (None: the hand-written rules alone).
    """
    if text_plain and text_plain.strip():
        text = text_plain
    elif text_html:
        text = html_to_text(text_html)
    else:
        text = ""
    text = text[:MAX_TEXT_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    split = split_new_text(text)
    new_text = strip_provider_footer(split.new_text)

    block = find_signature(new_text, sender_name, sender_email, line_model)
    found = None
    if block is not None:
        fields = parse_signature(block, sender_name, sender_email, default_region)
        if is_senders(block, fields, new_text, sender_name, sender_email):
            found = FoundSignature(block, fields)

    domain = sender_email.rsplit("@", 1)[-1] if sender_email and "@" in sender_email else None
    lines = new_text.split("\n")
    if block is not None:
        # Blank out the signature so its numbers are not read twice at body confidence.
        body_lines = [
            "" if block.start_line <= i < block.start_line + len(block.lines) else line
            for i, line in enumerate(lines)
        ]
    else:
        body_lines = lines
    body_phones = find_phones("\n".join(body_lines), sender_domain=domain,
                              default_region=default_region, in_signature=False)  # fmt: skip
    phones = _merge(found.fields.phones if found else [], body_phones, new_text)
    return ProfileFindings(new_text, found, phones, split.quoted)


def _merge(signature: list[Phone], body: list[Phone], new_text: str) -> list[Phone]:
    """Signature phones and body phones, each number once (the signature's reading wins)."""
    numbers = {p.number for p in signature}
    merged = signature + [p for p in body if p.number not in numbers]
    return sorted(merged, key=lambda p: _position(new_text, p.raw))


def _position(text: str, raw: str) -> int:
    at = text.find(raw)
    return at if at >= 0 else len(text)


def is_profile_phone(phone: Phone) -> bool:
    """A number sure enough to go on the profile (a signature's); the rest is evidence only
    ("call me on ..." in the body)."""
    return phone.confidence >= PROFILE_PHONE_CONFIDENCE


def to_json_dict(findings: ProfileFindings) -> dict[str, Any]:
    """The "new_text", "signature" and "phones" members of the extract --json contract."""
    signature: dict[str, Any] | None = None
    if findings.signature is not None:
        f = findings.signature.fields
        signature = {
            "text": findings.signature.text,
            "name": f.name,
            "title": f.title,
            "company": f.company,
            "location": str(f.location) if f.location else None,
            "phones": [_phone_json(p) for p in f.phones],
            "emails": list(f.emails),
            "urls": list(f.urls),
            "confidence": {
                field: findings.signature.confidence(field)
                for field in ("name", "title", "company", "location")
                if getattr(f, field)
            },
        }
    return {
        "new_text": findings.new_text,
        "signature": signature,
        "phones": [_phone_json(p) for p in findings.phones],
    }


def _phone_json(phone: Phone) -> dict[str, Any]:
    # number/type/raw are the contract; extension and confidence are additive members.
    return {
        "number": phone.number,
        "type": phone.type,
        "raw": phone.raw,
        "extension": phone.extension,
        "confidence": phone.confidence,
    }
