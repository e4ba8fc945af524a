"""The agreement widget: figures per code with intervals, and the disagreement review.

A thin view over :class:`~workbench.agreement.session.AgreementSession`: it renders
the session's table, its list of disagreements and the comment under review, and
forwards choices and clicks; what a unit is, what disagrees and how a consensus is
stored are the session's business. Errors are shown in a red banner, because
exceptions inside widget callbacks are otherwise invisible (and Voila hides
tracebacks).

In a notebook::

    from workbench.agreement.session import AgreementSession
    from workbench.widgets.agreement import AgreementView
    AgreementView(AgreementSession(project))
"""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as w
import pandas as pd

from workbench.agreement.figures import ALL_CODES
from workbench.agreement.session import AgreementSession
from workbench.widgets.errors import error_banner, shows_errors
from workbench.widgets.view import View

_NOTE_STYLE = "color:#0f5132"
_MUTED = "color:#777"
_MARK = "background:#fff3cd"
_CELL = "padding:2px 8px;text-align:right"


class AgreementView(View):
    """Agreement figures and a review that settles each disagreement as a consensus.

    Parameters
    ----------
    session : AgreementSession
        The controller doing the work.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The root widget (displaying the view displays this).
    status, table, recompute_button
        The session's status line, the figures per level and code, and the button
        that reads the codings again and recomputes them.
    units, show_settled
        The comments the coders disagree on (values are comment ids), and whether
        settled ones are listed too.
    detail, code_boxes, memo, settle_button
        The comment under review with every coder's codings; one checkbox per code
        reviewed (ticked: the proposed consensus), a memo, and the button that
        records the ticked codes as the consensus.
    accept_coder, accept_button, undo_button
        Take one coder's codings (passages and memos) as the consensus; undo the
        last settlement.
    message, error_banner
        What the last settlement did, and the error banner.
    """

    NAME = "agreement view"

    def __init__(self, session: AgreementSession) -> None:
        self.session = session
        self.error_banner = error_banner()
        self.status = w.HTML()
        self.table = w.HTML()
        self.recompute_button = w.Button(description="Read codings and recompute", icon="refresh",
                                         layout=w.Layout(width="auto"))  # fmt: skip
        self.units = w.Select(options=[], rows=12, layout=w.Layout(width="98%"))
        self.show_settled = w.Checkbox(value=False, description="List settled comments too",
                                       indent=False)  # fmt: skip
        self.detail = w.HTML()
        self.code_boxes: dict[str, w.Checkbox] = {}
        self.code_area = w.VBox()
        self.memo = w.Text(description="Memo", placeholder="why (optional)",
                           layout=w.Layout(width="98%"))  # fmt: skip
        self.settle_button = w.Button(description="Settle with the ticked codes",
                                      button_style="primary", icon="check",
                                      layout=w.Layout(width="auto"))  # fmt: skip
        self.accept_coder = w.Dropdown(options=[], description="or take",
                                       layout=w.Layout(width="auto"))  # fmt: skip
        self.accept_button = w.Button(description="this coder's coding", icon="user",
                                      layout=w.Layout(width="auto"))  # fmt: skip
        self.undo_button = w.Button(description="Undo the last settlement", icon="undo",
                                    layout=w.Layout(width="auto"))  # fmt: skip
        self.message = w.HTML()
        self.review = w.HBox([
            w.VBox([w.HTML("<b>Disagreements</b> (choose one)"), self.units, self.show_settled],
                   layout=w.Layout(width="40%")),
            w.VBox([self.detail, w.HTML("<b>Consensus</b>: the codes that apply"),
                    self.code_area, self.memo,
                    w.HBox([self.settle_button, self.accept_coder, self.accept_button]),
                    self.undo_button], layout=w.Layout(width="60%")),
        ])  # fmt: skip
        self.widget = w.VBox([
            self.error_banner, self.status, self.table, self.recompute_button,
            w.HTML("<h4>Review the disagreements</h4>"), self.review, self.message,
        ])  # fmt: skip

        self.recompute_button.on_click(self.on_recompute)
        self.units.observe(self.on_unit, names=["value"])
        self.show_settled.observe(self.on_show_settled, names=["value"])
        self.settle_button.on_click(self.on_settle)
        self.accept_button.on_click(self.on_accept)
        self.undo_button.on_click(self.on_undo)
        self.refresh()

    # -- display -------------------------------------------------------------------

    # -- callbacks -----------------------------------------------------------------

    @shows_errors()
    def on_recompute(self, button: w.Button | None = None) -> None:
        """Read the codings again and recompute the figures."""
        self.session.refresh()
        self.refresh()

    @shows_errors()
    def on_unit(self, change: dict[str, Any]) -> None:
        """Show the chosen comment for review."""
        if self._quiet or change["new"] is None:
            return
        self.session.select(change["new"])
        self.render_unit()

    @shows_errors()
    def on_show_settled(self, change: dict[str, Any]) -> None:
        """List settled comments too, or not."""
        self.render_units()

    @shows_errors()
    def on_settle(self, button: w.Button | None = None) -> None:
        """Record the ticked codes as the consensus of the comment under review."""
        codes = [code for code, box in self.code_boxes.items() if box.value]
        self._done(self.session.settle(codes, memo=self.memo.value))

    @shows_errors()
    def on_accept(self, button: w.Button | None = None) -> None:
        """Record the chosen coder's codings as the consensus."""
        self._done(self.session.accept(self.accept_coder.value))

    @shows_errors()
    def on_undo(self, button: w.Button | None = None) -> None:
        """Undo the last settlement."""
        self._done(self.session.undo())

    def _done(self, text: str) -> None:
        self.memo.value = ""
        self.render_units()
        self.render_unit()
        self.status.value = f"<b>{html.escape(self.session.status())}</b>"
        self.message.value = f'<span style="{_NOTE_STYLE}"><b>Done:</b> {html.escape(text)}</span>'

    # -- rendering -----------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw everything from the session."""
        session = self.session
        self.status.value = f"<b>{html.escape(session.status())}</b>"
        self.table.value = table_html(session.table(), len(session.coders))
        self.review.layout.display = "" if session.report is not None else "none"
        for box in self.code_boxes.values():
            box.close()
        self.code_boxes = {code: w.Checkbox(value=False, indent=False,
                                            description=f"{session.label(code)} ({code})")
                           for code in session.codes}  # fmt: skip
        self.code_area.children = tuple(self.code_boxes.values())
        with self._silently():
            self.accept_coder.options = session.coders
        self.render_units()
        self.render_unit()

    def render_units(self) -> None:
        """List the disagreements (settled ones only when asked)."""
        rows = self.session.disagreements(include_settled=self.show_settled.value)
        options = [(_unit_option(r), r["comment_id"]) for r in rows.to_dict(orient="records")]
        keep = self.session.selected if self.session.selected in {v for _, v in options} else None
        with self._silently():
            self.units.options = options
            self.units.value = keep

    def render_unit(self) -> None:
        """Show the comment under review and tick its proposed consensus."""
        session = self.session
        if session.report is None or session.selected is None:
            self.detail.value = (f"<i style='{_MUTED}'>Choose a disagreement in the list to "
                                 "review it.</i>")  # fmt: skip
            for box in self.code_boxes.values():
                box.value = False
            return
        unit = session.unit()
        for code, box in self.code_boxes.items():
            box.value = code in unit["proposed"]
        self.detail.value = unit_html(unit)


def table_html(table: pd.DataFrame, coders: int) -> str:
    """The figures as an HTML table: each with its interval in brackets."""
    if table.empty:
        return ""
    head = "".join(f"<th style='{_CELL}'>{h}</th>" for h in (
        "level", "code", "comments", "units", "applied", "% agreement", "Cohen's kappa",
        "Krippendorff's alpha"))  # fmt: skip
    rows = []
    for r in table.to_dict(orient="records"):
        overall = pd.isna(r["code_id"])
        label = ALL_CODES if overall else (f"{html.escape(str(r['label']))} "
                                           f"<small>({html.escape(r['code_id'])})</small>")
        style = " style='font-weight:bold;border-bottom:1px solid #ccc'" if overall else ""
        kappa = "n/a (two coders only)" if coders != 2 else _figure(r, "kappa", "kappa", 3)
        cells = [r["level"], label, f"{r['comments']:,}", f"{r['units']:,.0f}",
                 f"{r['applied']:,.0f}", _figure(r, "percent_agreement", "percent", 1), kappa,
                 _figure(r, "alpha", "alpha", 3)]  # fmt: skip
        rows.append(f"<tr{style}>" + "".join(f"<td style='{_CELL}'>{c}</td>" for c in cells)
                    + "</tr>")  # fmt: skip
    return ("<table class='workbench-agreement' style='border-collapse:collapse'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<small style='{_MUTED}'>In brackets: bootstrap confidence interval (comments "
            "resampled). Units are comments, or characters of passages on the span level. "
            "The consensus is never one of the coders compared.</small>")  # fmt: skip


def unit_html(unit: dict[str, Any]) -> str:
    """A comment under review: its text, and each coder's codings (passages marked)."""
    disputed = set(unit["disputed"])
    meta = " · ".join(html.escape(v) for v in (unit["author"], unit["created_at"]) if v)
    link = (f" · <a href='{html.escape(unit['url'])}' target='_blank'>source</a>"
            if unit["url"] else "")  # fmt: skip
    parts = [f"<b>{html.escape(unit['comment_id'])}</b> <small style='{_MUTED}'>{meta}{link}"
             "</small>",
             f"<blockquote style='margin:4px 0;white-space:pre-wrap'>"
             f"{html.escape(unit['text'])}</blockquote>"]  # fmt: skip
    rows = [*unit["coders"].items(), *([("consensus", unit["consensus"])]
                                      if unit["consensus"] else [])]  # fmt: skip
    for who, codings in rows:
        items = []
        for c in codings:
            mark = f" style='{_MARK}'" if c["code_id"] in disputed else ""
            passage = f" “{html.escape(c['passage'])}”" if c["passage"] is not None else ""
            memo = f" <i>({html.escape(c['memo'])})</i>" if c["memo"] else ""
            items.append(f"<span{mark}>{html.escape(c['label'])}</span>{passage}{memo}")
        parts.append(f"<div><b>{html.escape(who)}</b>: "
                     f"{'; '.join(items) or '<i>none of these codes</i>'}</div>")  # fmt: skip
    return "".join(parts)


def _figure(row: dict[str, Any], name: str, short: str, digits: int) -> str:
    value = row[name]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f"<span style='{_MUTED}'>undefined</span>"
    low, high = row[f"{short}_low"], row[f"{short}_high"]
    text = f"{value:.{digits}f}"
    if low is None or (isinstance(low, float) and math.isnan(low)):
        return text
    return f"{text} <small>[{low:.{digits}f}, {high:.{digits}f}]</small>"


def _unit_option(row: dict[str, Any]) -> str:
    settled = " ✓" if row["settled"] else ""
    return (f"{row['comment_id']} · {row['kind']}: {', '.join(row['disputed'])}{settled}"
            f" · {str(row['text'])[:40]}")

