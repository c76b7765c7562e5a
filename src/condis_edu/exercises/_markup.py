"""The one inline markup of exercise texts: `backticks` for code and [links](https://...) to pages.

Checks, hints, traces and knowledge checks are written as short plain sentences; this turns them
into safe HTML (everything else is escaped). Two short forms keep Microsoft's addresses readable
in the catalogue: ``ddi:<page>`` is a page of the NDIS DDI reference and ``net:<page>`` a page of
the network driver guide on learn.microsoft.com.
"""

from __future__ import annotations

import html
import re
from typing import Final

__all__ = ["address", "inline_html", "inline_text"]

_LINK: Final = re.compile(r"\[([^\]]+)\]\(((?:https://|ddi:|net:)[^)\s]+)\)")
_LEARN: Final = "https://learn.microsoft.com/windows-hardware/drivers/"
PREFIXES: Final = {"ddi:": _LEARN + "ddi/ndis/", "net:": _LEARN + "network/"}


def address(link: str) -> str:
    """The full address of a link written ``ddi:<page>``, ``net:<page>`` or ``https://...``."""
    for short, full in PREFIXES.items():
        if link.startswith(short):
            return full + link[len(short) :]
    return link


def inline_html(text: str) -> str:
    """Escape ``text`` for HTML, turning `code` into <code> and [title](https://...) into a link."""
    parts = html.escape(text, quote=False).split("`")
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"<code>{part}</code>")
        else:
            out.append(_LINK.sub(lambda m: f'<a href="{html.escape(address(m[2]), quote=True)}">{m[1]}</a>', part))
    return "".join(out)


def inline_text(text: str) -> str:
    """The same text for a plain-text view: links become "title (address)"."""
    return _LINK.sub(lambda m: f"{m[1]} ({address(m[2])})", text)
