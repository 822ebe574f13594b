"""Interview notes: plain text with a little Markdown-like formatting, rendered safely.

Everything is escaped first; only the few marks below become HTML. No raw HTML ever passes.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")


def _inline(text: str) -> str:
    text = escape(text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _ITALIC.sub(r"<em>\1</em>", text)


def render_notes(text: str) -> SafeString:
    """``**gras**``, ``*italique*``, ``- `` lines (lists), ``# `` lines (headings), blank lines (paragraphs)."""
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush():
        if paragraph:
            html.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()
        if items:
            html.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith(("- ", "* ", "• ")):
            if paragraph:
                flush()
            items.append(_inline(line[2:].strip()))
        elif line.startswith("#"):
            flush()
            html.append(f'<h3 class="h6 mt-3">{_inline(line.lstrip("#").strip())}</h3>')
        else:
            if items:
                flush()
            paragraph.append(_inline(line))
    flush()
    # Safe: every piece of user text went through escape() in _inline.
    return mark_safe("".join(html))
