"""How bug checks and verifier findings look: plain text, a plain traceback and HTML.

One module renders them all, so a bug check reads the same in a terminal, in IPython's
traceback, in a notebook output and in the browser's live cells. ``errors`` and
``verifier.core`` call into it; it imports nothing from the engine at run time.

Links to our own rule pages are written twice: ``href`` holds the page's path from the
site's root (``rules/virtual-connections/#r2-09``), and ``data-condis-site-href`` keeps
that path so the site can resolve it wherever the output is shown: the build rewrites
``href`` relative to the page that shows it, and the live runner resolves it against the
site's base URL (so the link works on a notebook page, in the playground and under a
sub-path). Microsoft's pages are absolute links that open in a new tab.

>>> bugcheck_title(0x7C)
'BUGCODE_NDIS_DRIVER (7c)'
>>> bugcheck_title(0xC4)
'DRIVER_VERIFIER_DETECTED_VIOLATION (c4)'
>>> rule_site_path("virtual-connections", "r2-09")
'rules/virtual-connections/#r2-09'
"""

from __future__ import annotations

import html
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

BUGCHECK_NAMES: Final = {
    0x1E: "KMODE_EXCEPTION_NOT_HANDLED",
    0x7C: "BUGCODE_NDIS_DRIVER",
    0xC4: "DRIVER_VERIFIER_DETECTED_VIOLATION",
}
"""The bug check codes the simulation raises, with the names Windows gives them."""

_DEBUGGER: Final = "https://learn.microsoft.com/windows-hardware/drivers/debugger/"

SITE_HREF_ATTR: Final = "data-condis-site-href"
"""The attribute that keeps a link's path from the site's root (see the module docstring)."""


def bugcheck_name(code: int) -> str:
    """Windows' name of bug check *code*, e.g. ``BUGCODE_NDIS_DRIVER`` for 0x7C."""
    return BUGCHECK_NAMES.get(code, "UNKNOWN_BUGCHECK")


def bugcheck_title(code: int) -> str:
    """Name and code the way the debugger's ``!analyze`` prints them: ``BUGCODE_NDIS_DRIVER (7c)``."""
    return f"{bugcheck_name(code)} ({code:x})"


def bugcheck_url(code: int) -> str:
    """Microsoft's reference page of bug check *code*."""
    slug = bugcheck_name(code).lower().replace("_", "-")
    return f"{_DEBUGGER}bug-check-0x{code:x}--{slug}"


def rule_site_path(family: str, anchor: str) -> str:
    """The rule's section on the course site, as a path from the site's root."""
    return f"rules/{family}/#{anchor}"


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a bug check or finding shows, already as strings."""

    title: str = ""
    """The stop's name, ``BUGCODE_NDIS_DRIVER (7c)``; empty for a finding that did not stop anything."""
    rule_id: str = ""
    kind: str = ""
    """``bug check`` or ``finding``: what breaking the rule does."""
    summary: str = ""
    driver: str = ""
    call: str = ""
    detail: str = ""
    docs_url: str = ""
    """Microsoft's page of the rule."""
    docs_names: tuple[str, ...] = ()
    """Microsoft names the page may be about (the link's text uses the one it documents)."""
    rule_path: str = ""
    """``rules/<family>/#<anchor>`` or empty."""
    bugcheck_code: int | None = None

    def lines(self) -> list[str]:
        """The plain-text form (what ``str()`` of a finding or violation says)."""
        out = [f"{self.rule_id} ({self.kind}) {self.summary}"] if self.rule_id else []
        for label, value in (
            ("driver", self.driver),
            ("call", self.call),
            ("detail", self.detail),
            ("docs", self.docs_url),
            ("rule", f"{self.rule_path} (on the course site)" if self.rule_path else ""),
        ):
            if value:
                out.append(f"  {label + ':':<8}{value}")
        return out

    def text(self) -> str:
        """The plain-text form as one string."""
        return "\n".join(self.lines())

    def traceback_lines(self, exc_name: str) -> list[str]:
        """The last lines of a readable traceback: the stop's name, then the text, then its page."""
        head = f"{exc_name}: {self.title}" if self.title else exc_name
        tail = [f"  {'stop:':<8}{bugcheck_url(self.bugcheck_code)}"] if self.bugcheck_code is not None else []
        return [head, *self.lines(), *tail]

    def html(self) -> str:
        """The HTML form: a titled box with the rule, the driver, the call and the links."""
        kind = "bugcheck" if self.title else "finding"
        parts = [f'<div class="condis-report condis-report-{kind}" data-rule="{_e(self.rule_id)}">']
        head = [f"<strong>{_e(self.title or 'Verifier finding')}</strong>"]
        if self.rule_id:
            head.append(f'<span class="condis-report-rule">{_e(self.rule_id)} ({_e(self.kind)})</span>')
        parts.append(f'<p class="condis-report-head">{" ".join(head)}</p>')
        if self.summary:
            parts.append(f'<p class="condis-report-summary">{_e(self.summary)}</p>')
        rows = [(label, value) for label, value in (("driver", self.driver), ("call", self.call)) if value]
        if rows or self.detail:
            parts.append('<dl class="condis-report-facts">')
            parts.extend(f"<dt>{label}</dt><dd><code>{_e(value)}</code></dd>" for label, value in rows)
            if self.detail:
                parts.append(f"<dt>detail</dt><dd>{_e(self.detail)}</dd>")
            parts.append("</dl>")
        links = []
        if self.rule_path:
            links.append(site_link(self.rule_path, f"Rule {self.rule_id} in this course", "condis-rule-link"))
        if self.docs_url:
            name = page_title(self.docs_url, self.docs_names)
            links.append(external_link(self.docs_url, f"{name} on learn.microsoft.com"))
        if self.bugcheck_code is not None:
            code = self.bugcheck_code
            links.append(external_link(bugcheck_url(code), f"Bug check 0x{code:X} on learn.microsoft.com"))
        if links:
            parts.append('<p class="condis-report-links">' + " · ".join(links) + "</p>")
        parts.append("</div>")
        return "".join(parts)


def site_link(path: str, text: str, css_class: str = "") -> str:
    """A link to a page of this site, resolved where it is shown (see the module docstring)."""
    cls = f' class="{css_class}"' if css_class else ""
    return f'<a{cls} href="{_e(path)}" {SITE_HREF_ATTR}="{_e(path)}">{_e(text)}</a>'


def external_link(url: str, text: str) -> str:
    """A link to a page on another site, opened in a new tab."""
    return f'<a class="condis-external-link" href="{_e(url)}" target="_blank" rel="noopener">{_e(text)}</a>'


def reports_html(reports: Sequence[Report]) -> str:
    """Several reports, numbered, as one HTML block (an empty list says so)."""
    if not reports:
        return '<p class="condis-report-none">No verifier findings.</p>'
    count = f"{len(reports)} verifier finding{'s' if len(reports) != 1 else ''}"
    items = "".join(f"<li>{report.html()}</li>" for report in reports)
    return f'<div class="condis-reports"><p>{count}</p><ol>{items}</ol></div>'


def readable_traceback(exc: BaseException, report: Report) -> list[str]:
    """IPython's ``_render_traceback_`` lines: the reader's own frames, then the report.

    Frames inside the engine are summarised in one line; the reader wants their own
    line that led to the stop, then what the stop means.
    """
    package = str(Path(__file__).resolve().parent)
    frames = traceback.extract_tb(exc.__traceback__)
    lines = ["Traceback (most recent call last):"] if frames else []
    hidden = 0
    for frame in frames:
        if str(Path(frame.filename).resolve()).startswith(package):
            hidden += 1
            continue
        lines.extend(_frame_lines(frame))
    if hidden:
        lines.append(f"  [{hidden} frame{'s' if hidden != 1 else ''} in condis_edu hidden]")
    lines.extend(report.traceback_lines(type(exc).__name__))
    return lines


def _frame_lines(frame: traceback.FrameSummary) -> Iterable[str]:
    yield f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}'
    if frame.line:
        yield f"    {frame.line.strip()}"


def page_title(url: str, names: Iterable[str] = ()) -> str:
    """A short name for a learn.microsoft.com page, from its address.

    >>> page_title(NDIS + "nf-ndis-ndiscocreatevc", ["NdisCoCreateVc", "NdisClMakeCall"])
    'NdisCoCreateVc'
    >>> page_title(NDIS + "nc-ndis-miniport_co_create_vc")
    'MINIPORT_CO_CREATE_VC'
    >>> page_title("https://learn.microsoft.com/windows-hardware/drivers/network/deleting-a-vc")
    'Deleting a vc'
    """
    last = url.rstrip("/").rsplit("/", 1)[-1]
    for prefix in ("nf-ndis-", "nc-ndis-", "ns-ndis-"):
        if last.startswith(prefix):
            name = last.removeprefix(prefix).lstrip("_")
            return next((n for n in names if n.lower() == name), name.upper())
    return last.replace("-", " ").capitalize()


NDIS: Final = "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/"


def _e(text: str) -> str:
    return html.escape(text, quote=True)
