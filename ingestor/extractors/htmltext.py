"""Turn an HTML mail body into plain text lines that the quote and signature extractors can read.

The rendering is inscriptis's: it lays tables out row by row, so a signature built as a <table>
keeps one visual line per text line. Before rendering, quoted history (<blockquote>, Gmail's and
Outlook's quote containers) is turned into "> " lines, so that HTML replies split the same way
as plain-text ones. Nothing is ever fetched: images, stylesheets and links are only markup here.
"""

from __future__ import annotations

import logging
import re

import lxml.html
from inscriptis import Inscriptis
from inscriptis.model.config import ParserConfig
from lxml import etree

logger = logging.getLogger(__name__)

MAX_HTML_CHARS = 2 * 1024 * 1024  # about 2 MB; longer bodies are cut off, not parsed whole

_CONFIG = ParserConfig(display_images=False, display_links=False, display_anchors=False)
# Containers whose whole content is quoted history, as written by the common mail clients.
_QUOTE_XPATH = (
    "//blockquote | //div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]"
)
# Invisible markers around quoted content, turned into "> " prefixes after rendering.
_QUOTE_START, _QUOTE_END = "\u2063\u2063quote-start\u2063", "\u2063\u2063quote-end\u2063"
_BLANK_RUN = re.compile(r"\n{3,}")
_DROP_TAGS = ("script", "style", "head", "title", "noscript", "template", "object", "iframe")


def html_to_text(html: str) -> str:
    """Render `html` as text: one line per visual line, stripped, at most one blank line in a row.

    Quoted history becomes "> "-prefixed lines. Input beyond MAX_HTML_CHARS is cut off first,
    since hostile mail can be arbitrarily large.
    """
    if len(html) > MAX_HTML_CHARS:
        logger.debug("html body of %s chars truncated to %s", len(html), MAX_HTML_CHARS)
        html = html[:MAX_HTML_CHARS]
    if not html.strip():
        return ""
    try:
        # Parsed from str, with lxml's HTML parser: no network access, no entity resolution.
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for bad in tree.xpath("|".join(f"//{t}" for t in _DROP_TAGS)):
        _drop(bad)
    for quote in tree.xpath(_QUOTE_XPATH):
        _mark_quote(quote)
    for table in tree.xpath("//table"):
        if _is_column_layout(table):
            _linearize(table)
    text = Inscriptis(tree, _CONFIG).get_text()
    lines = _prefix_quoted([line.strip() for line in text.replace("\u00a0", " ").split("\n")])
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


def _mark_quote(element: lxml.html.HtmlElement) -> None:
    """Put start/end markers around a quote container's content, for one rendering pass."""
    start, end = lxml.html.Element("div"), lxml.html.Element("div")
    start.text, end.text = _QUOTE_START, _QUOTE_END
    # Gmail puts the attribution ("On … wrote:") inside gmail_quote: it stays unquoted, on top,
    # where the quote splitter expects it.
    attr = element.xpath("./div[contains(@class, 'gmail_attr')]") if element.tag == "div" else []
    if attr:
        attr[0].addnext(start)
    else:
        element.insert(0, start)
        start.tail, element.text = element.text, None
    element.append(end)


def _prefix_quoted(lines: list[str]) -> list[str]:
    out: list[str] = []
    depth = 0
    for line in lines:
        if _QUOTE_START in line or _QUOTE_END in line:
            depth += line.count(_QUOTE_START) - line.count(_QUOTE_END)
            line = line.replace(_QUOTE_START, "").replace(_QUOTE_END, "").strip()
            if not line:
                continue
        out.append(("> " + line).rstrip() if depth > 0 else line)
    return out


def _is_column_layout(table: lxml.html.HtmlElement) -> bool:
    """A table whose row holds several multi-line text cells side by side (name block left,
    contact block right). Rendered as a grid its lines would interleave, so it is read
    column by column instead; label/value tables with one line per cell stay as rows."""
    for row in table.xpath("./tr | ./tbody/tr | ./thead/tr"):
        cells = [c for c in row if c.tag in ("td", "th") and c.text_content().strip()]
        if len(cells) >= 2 and any(c.xpath(".//br | .//div | .//p | .//tr") for c in cells):
            return True
    return False


def _linearize(table: lxml.html.HtmlElement) -> None:
    for element in table.xpath(". | .//tbody | .//thead | .//tr | .//td | .//th"):
        element.tag = "div"


def _drop(element: lxml.html.HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    prev = element.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
