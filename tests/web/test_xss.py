"""Hostile text from mail and calendars is shown as text, and nothing remote is ever loaded."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from tests.web.helpers import Browser
from tests.web.seed import (
    PAYLOADS,
    XSS_EVENT,
    XSS_NAME,
    XSS_SIGNATURE,
    XSS_SOURCE_ERROR,
    XSS_SUBJECT,
    Seeded,
)
from tests.web.seed_tasks import XSS_REASON, SeededTasks

TEMPLATES = Path(__file__).parents[2] / "ingestor" / "web" / "templates"
TEL = re.compile(r"tel:\+[1-9][0-9]{5,14}")
REMOTE = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:|//|javascript:|data:)""", re.I)
ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "link",
    "script",
    "body",
    "a",
    "header",
    "nav",
    "u",
    "form",
    "label",
    "input",
    "span",
    "button",
    "main",
    "h1",
    "h2",
    "h3",
    "p",
    "section",
    "article",
    "div",
    "del",
    "ins",
    "ul",
    "li",
    "blockquote",
    "details",
    "summary",
    "footer",
    "kbd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "datalist",
    "option",
    "select",
    "ol",
    "strong",
    "time",  # every time shown, in the user's zone (context.local_time)
}


class TagAudit(HTMLParser):
    """Collects what the browser would treat as markup: tags and their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"unexpected tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.problems.append(f"<{tag} {name}=...>")
            if (
                name in ("src", "href", "action")
                and value is not None
                and (not value.startswith(("/", "#", "?")) or value.startswith("//"))
                and not TEL.fullmatch(value)  # click-to-call: an E.164 number, nothing else
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and dict(attrs).get("src") != "/static/app.js":
            self.problems.append("a script that is not ours")


def _pages(seeded: Seeded) -> list[str]:
    return [
        "/review",
        "/review?kind=field_update",
        "/review?kind=new_contact",
        "/contacts",
        "/contacts?q=eve",
        f"/contacts/{seeded.eve}",
        f"/contacts/{seeded.juergen}",
        "/sources",
    ]


def test_payloads_are_escaped_everywhere(admin: Browser, seeded: Seeded) -> None:
    for path in _pages(seeded):
        page = admin.get(path).text
        for payload in PAYLOADS:
            assert payload not in page, (path, payload)
        audit = TagAudit()
        audit.feed(page)
        assert audit.problems == [], path


def _shown_as_text(page: str, text: str) -> bool:
    return text not in page and text in html.unescape(page)


def test_payloads_appear_as_text(admin: Browser, seeded: Seeded) -> None:
    profile = admin.get(f"/contacts/{seeded.eve}").text
    assert _shown_as_text(profile, XSS_NAME)
    assert _shown_as_text(profile, XSS_EVENT)  # the meeting in the timeline
    review = admin.get("/review").text
    assert _shown_as_text(review, XSS_SIGNATURE)  # signature snippet as evidence
    assert _shown_as_text(admin.get("/sources").text, XSS_SOURCE_ERROR)


def test_task_pages_escape_reason_subject_and_name(
    admin: Browser, seeded: Seeded, tasks: SeededTasks
) -> None:
    """A task's reason, the subject of its mail and its contact's name are hostile text."""
    for path in ("/tasks", "/tasks?owner=%3Cscript%3E", f"/contacts/{seeded.eve}", "/tasks/feed"):
        page = admin.get(path).text
        for payload in (*PAYLOADS, XSS_REASON, "<script>"):
            assert payload not in page.replace('<script src="/static/app.js" defer>', ""), (
                path,
                payload,
            )
        audit = TagAudit()
        audit.feed(page)
        assert audit.problems == [], (path, audit.problems)
    board = admin.get("/tasks").text
    assert _shown_as_text(board, XSS_REASON)
    assert _shown_as_text(board, XSS_SUBJECT)  # the mail the task came from
    assert _shown_as_text(board, f"Follow up with {XSS_NAME}")
    profile = admin.get(f"/contacts/{seeded.eve}").text
    assert _shown_as_text(profile, XSS_REASON)


def test_merge_confirmation_escapes(admin: Browser, seeded: Seeded) -> None:
    page = admin.post(f"/contacts/{seeded.juergen}/merge", {"other": str(seeded.eve)}).text
    assert _shown_as_text(page, XSS_NAME)


def test_errors_escape_what_was_typed(admin: Browser, seeded: Seeded) -> None:
    page = admin.post(f"/contacts/{seeded.ivan}/merge", {"other": "<script>x</script>@a"}).text
    assert "<script>x</script>" not in page


def test_templates_never_mark_text_safe() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert "|safe" not in text.replace(" ", ""), template.name
        assert "autoescape false" not in text, template.name
        assert "Markup" not in text
        assert not REMOTE.search(text), template.name


def test_no_inline_script_or_style_attributes() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert not re.search(r"\sstyle\s*=", text), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name
