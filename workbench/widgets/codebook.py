"""The codebook widget: the tree of codes with counts, definitions, merge, split, undo.

A thin view over :class:`~workbench.codebook.session.CodebookSession`: it renders the
session's tree, details, pending plan and history, and forwards choices and clicks;
every decision (what a plan does, whether it can be applied) is the session's. A
change is planned first and shown in the plan area; the Apply button is enabled only
while a plan is shown, and applies that plan. Errors are shown in a red banner,
because exceptions inside widget callbacks are otherwise invisible (and Voila hides
tracebacks).

In a notebook::

    from workbench.codebook.session import TREE_COLUMNS, UNKNOWN_STATUS, CodebookSession
    from workbench.widgets.codebook import CodebookView
    CodebookView(CodebookSession(project))
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from workbench.codebook.session import TREE_COLUMNS, UNKNOWN_STATUS, CodebookSession
from workbench.widgets.errors import error_banner, shows_errors
from workbench.widgets.view import View

#: The merge target choice that means "a new code, labelled below".
NEW_CODE = ""
_NOTE_STYLE = "color:#0f5132"
_MUTED = "color:#777"
_LABEL_STYLE = {"description_width": "120px"}
_WIDE = w.Layout(width="98%")
_TABS = ("Definition", "Merge", "Split", "History")


def _render_plan(view: CodebookView) -> None:
    view.render_plan()


class CodebookView(View):
    """Browse and revise a project's codebook: every change planned, shown, then applied.

    Parameters
    ----------
    session : CodebookSession
        The controller doing the work.
    starter : str or Path, optional
        The codebook file offered for adoption when the project has none.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The root widget (displaying the view displays this).
    codes, tree
        The list of codes (choose one; values are code ids) and the table of codes
        with their codings per coder.
    detail, definition, use_when, do_not_use_when, examples
        The chosen code and its wording (examples one per line).
    redefine_rationale, plan_redefine_button
        Why, and the button that plans the new wording.
    merge_sources, merge_target, merge_label, merge_rationale, plan_merge_button
        The merge form (target :data:`NEW_CODE` means a new code named ``merge_label``).
    split_source, split_into, split_rationale, plan_split_button
        The split form (one new code per line: a label, or ``id = label``).
    versions, diff_first, diff_second, diff_button, diff
        The version history and the differences between two versions.
    plan, apply_button, discard_button, undo_button
        The pending plan, Apply (enabled only with a plan shown), Discard, and the
        button that plans undoing the latest revision.
    adopt_box, adopt_path, adopt_button
        Shown only while the project has no codebook.
    status, message, error_banner
        The session's status line, the last change's outcome and the error banner.
    """

    NAME = "codebook view"

    def __init__(self, session: CodebookSession, starter: str | Path | None = None) -> None:
        self.session = session
        text = {"layout": _WIDE, "style": _LABEL_STYLE}
        self.error_banner = error_banner()
        self.status = w.HTML()
        self.message = w.HTML()
        self.adopt_path = w.Text(value=str(starter or ""), description="Codebook file",
                                 placeholder="codebooks/social-media-health-qi.yaml",
                                 layout=w.Layout(width="60%"), style=_LABEL_STYLE)  # fmt: skip
        self.adopt_button = w.Button(description="Adopt", button_style="primary", icon="book")
        self.adopt_box = w.VBox([
            w.HTML("<b>This project has no codebook yet.</b> Adopt one to start: a YAML "
                   "codebook (or a REFI-QDA <code>.qdc</code>) becomes version 1."),
            w.HBox([self.adopt_path, self.adopt_button]),
        ])  # fmt: skip

        self.codes = w.Select(options=[], rows=18, layout=w.Layout(width="98%"))
        self.tree = w.HTML()

        self.detail = w.HTML()
        self.definition = w.Textarea(description="Definition", rows=3, **text)
        self.use_when = w.Textarea(description="Use when", rows=2, **text)
        self.do_not_use_when = w.Textarea(description="Do not use when", rows=2, **text)
        self.examples = w.Textarea(description="Examples", rows=3,
                                   placeholder="one example per line", **text)  # fmt: skip
        self.redefine_rationale = w.Text(description="Why", **text)
        self.plan_redefine_button = w.Button(description="Plan the new wording", icon="eye",
                                             layout=w.Layout(width="auto"))  # fmt: skip

        self.merge_sources = w.SelectMultiple(options=[], rows=8, description="Merge", **text)
        self.merge_target = w.Dropdown(options=[], description="Into", **text)
        self.merge_label = w.Text(description="New code's label", **text)
        self.merge_rationale = w.Text(description="Why", **text)
        self.plan_merge_button = w.Button(description="Plan the merge", icon="eye")

        self.split_source = w.Dropdown(options=[], description="Split", **text)
        self.split_into = w.Textarea(description="Into", rows=4,
                                     placeholder="one new code per line: a label, or id = label",
                                     **text)  # fmt: skip
        self.split_rationale = w.Text(description="Why", **text)
        self.plan_split_button = w.Button(description="Plan the split", icon="eye")

        self.versions = w.HTML()
        self.diff_first = w.Dropdown(options=[], description="From version", style=_LABEL_STYLE)
        self.diff_second = w.Dropdown(options=[], description="to version", style=_LABEL_STYLE)
        self.diff_button = w.Button(description="Show differences", icon="exchange")
        self.diff = w.HTML()

        self.plan = w.HTML()
        self.apply_button = w.Button(description="Apply this plan", button_style="danger",
                                     icon="check", disabled=True)  # fmt: skip
        self.discard_button = w.Button(description="Discard", icon="times", disabled=True)
        self.undo_button = w.Button(description="Plan undo of the last revision", icon="undo",
                                    layout=w.Layout(width="auto"))  # fmt: skip

        self.tabs = w.Tab(children=[
            w.VBox([self.detail, self.definition, self.use_when, self.do_not_use_when,
                    self.examples, self.redefine_rationale, self.plan_redefine_button]),
            w.VBox([w.HTML("Choose the codes to merge (ctrl/cmd-click for several) and the "
                           "code they go into; their codings follow it."),
                    self.merge_sources, self.merge_target, self.merge_label,
                    self.merge_rationale, self.plan_merge_button]),
            w.VBox([w.HTML("The code split is retired; its codings are kept and queued for "
                           "coders to look at again, each with a suggested new code."),
                    self.split_source, self.split_into, self.split_rationale,
                    self.plan_split_button]),
            w.VBox([self.versions, w.HBox([self.diff_first, self.diff_second,
                                           self.diff_button]), self.diff]),
        ], titles=_TABS)  # fmt: skip
        self.main = w.HBox([
            w.VBox([w.HTML("<b>Codes</b> (choose one; · number of codings)"), self.codes],
                   layout=w.Layout(width="38%")),
            w.Box([self.tabs], layout=w.Layout(width="62%")),
        ])  # fmt: skip
        self.widget = w.VBox([
            self.error_banner, self.status, self.adopt_box, self.main,
            w.HTML("<b>Plan</b> (nothing is changed until you apply it)"), self.plan,
            w.HBox([self.apply_button, self.discard_button, self.undo_button]),
            self.message,
            w.HTML("<b>Codings per code and coder</b>"), self.tree,
        ])  # fmt: skip

        self.codes.observe(self.on_code, names=["value"])
        self.plan_redefine_button.on_click(self.on_plan_redefine)
        self.plan_merge_button.on_click(self.on_plan_merge)
        self.plan_split_button.on_click(self.on_plan_split)
        self.undo_button.on_click(self.on_plan_undo)
        self.apply_button.on_click(self.on_apply)
        self.discard_button.on_click(self.on_discard)
        self.diff_button.on_click(self.on_diff)
        self.adopt_button.on_click(self.on_adopt)
        self.refresh()

    # -- display -------------------------------------------------------------------

    # -- callbacks -----------------------------------------------------------------

    @shows_errors()
    def on_code(self, change: dict[str, Any]) -> None:
        """Show the chosen code's details in the definition form."""
        if self._quiet or change["new"] is None:
            return
        self.session.select(change["new"])
        self.render_details()

    @shows_errors(after=_render_plan)
    def on_plan_redefine(self, button: w.Button | None = None) -> None:
        """Plan the wording in the definition form for the chosen code."""
        self.session.plan_redefine(
            definition=self.definition.value, use_when=self.use_when.value,
            do_not_use_when=self.do_not_use_when.value, examples=self.examples.value,
            rationale=self.redefine_rationale.value,
        )  # fmt: skip

    @shows_errors(after=_render_plan)
    def on_plan_merge(self, button: w.Button | None = None) -> None:
        """Plan the merge in the merge form."""
        self.session.plan_merge(list(self.merge_sources.value), self.merge_target.value or None,
                                new_label=self.merge_label.value,
                                rationale=self.merge_rationale.value)  # fmt: skip

    @shows_errors(after=_render_plan)
    def on_plan_split(self, button: w.Button | None = None) -> None:
        """Plan the split in the split form."""
        self.session.plan_split(self.split_source.value, self.split_into.value,
                                rationale=self.split_rationale.value)  # fmt: skip

    @shows_errors(after=_render_plan)
    def on_plan_undo(self, button: w.Button | None = None) -> None:
        """Plan undoing the latest revision."""
        self.session.plan_undo()

    @shows_errors(after=_render_plan)
    def on_apply(self, button: w.Button | None = None) -> None:
        """Apply the plan shown, then show the new state."""
        self.apply_button.disabled = True
        try:
            self.session.apply()
        finally:
            self.refresh()
        self.message.value = (f'<span style="{_NOTE_STYLE}"><b>Done:</b> '
                              f"{html.escape(self.session.message)}</span>")  # fmt: skip

    @shows_errors(after=_render_plan)
    def on_discard(self, button: w.Button | None = None) -> None:
        """Forget the plan shown."""
        self.session.discard()

    @shows_errors()
    def on_diff(self, button: w.Button | None = None) -> None:
        """Show what changed between the two chosen versions."""
        lines = self.session.diff(self.diff_first.value, self.diff_second.value)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        self.diff.value = f"<ul>{items}</ul>" if lines else "<i>No differences.</i>"

    @shows_errors()
    def on_adopt(self, button: w.Button | None = None) -> None:
        """Adopt the codebook file named in the adopt box."""
        self.session.adopt(self.adopt_path.value)
        self.refresh()
        self.message.value = (f'<span style="{_NOTE_STYLE}"><b>Done:</b> '
                              f"{html.escape(self.session.message)}</span>")  # fmt: skip

    # -- rendering -----------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw everything from the session (after a change)."""
        session = self.session
        has = session.has_codebook
        self.adopt_box.layout.display = "none" if has else ""
        self.main.layout.display = "" if has else "none"
        self.status.value = f"<b>{html.escape(session.status())}</b>"
        tree = session.tree()
        active = _options(tree, active_only=True)
        kept = {code_id for _, code_id in active}
        sources, target, split = (self.merge_sources.value, self.merge_target.value,
                                  self.split_source.value)  # fmt: skip
        with self._silently():
            self.codes.options = _options(tree)
            self.codes.value = session.selected
            self.merge_sources.options = active
            self.merge_sources.value = tuple(v for v in sources if v in kept)
            self.merge_target.options = [("a new code (label below)", NEW_CODE), *active]
            self.merge_target.value = target if target in kept else NEW_CODE
            self.split_source.options = active
            self.split_source.value = split if split in kept else None
            numbers = [int(v) for v in session.versions()["version"]] if has else []
            self.diff_first.options = numbers
            self.diff_second.options = numbers
            if numbers:
                self.diff_first.value = numbers[max(len(numbers) - 2, 0)]
                self.diff_second.value = numbers[-1]
        self.tree.value = _tree_html(tree, session.selected)
        self.versions.value = _versions_html(session.versions()) if has else ""
        self.diff.value = ""
        self.render_details()
        self.render_plan()

    def render_details(self) -> None:
        """Fill the definition form from the chosen code (empty when none is chosen)."""
        if self.session.selected is None:
            self.detail.value = "<i>Choose a code in the list to read and edit it.</i>"
            for area in (self.definition, self.use_when, self.do_not_use_when, self.examples):
                area.value = ""
            return
        d = self.session.details()
        counts = ", ".join(f"{html.escape(who)} {n}" for who, n in d["counts"].items())
        state = "" if d["status"] == "active" else (
            f" · <b>{d['status']}</b>" + (f" into {html.escape(d['merged_into'])}"
                                          if d["merged_into"] else ""))  # fmt: skip
        self.detail.value = (
            f"<b>{html.escape(d['label'])}</b> <code>{html.escape(d['id'])}</code>{state}<br>"
            f"<small style='{_MUTED}'>{html.escape(' › '.join(d['path']))} · {d['total']} "
            f"codings{': ' + counts if counts else ''}</small>" + _feedback(d["feedback"])
        )
        self.definition.value = d["definition"]
        self.use_when.value = d["use_when"]
        self.do_not_use_when.value = d["do_not_use_when"]
        self.examples.value = "\n".join(d["examples"])

    def render_plan(self) -> None:
        """Show the pending plan; Apply and Discard are enabled only while there is one."""
        text = self.session.plan_text
        self.apply_button.disabled = text is None
        self.discard_button.disabled = text is None
        self.plan.value = (
            f"<i style='{_MUTED}'>No change planned. Plan one (wording, merge, split or "
            "undo); it shows here before anything changes.</i>" if text is None else
            "<pre class='workbench-codebook-plan' style='background:#f6f8fa;padding:6px;"
            f"white-space:pre-wrap'>{html.escape(text)}</pre>"
        )  # fmt: skip


def _options(tree: pd.DataFrame, *, active_only: bool = False) -> list[tuple[str, str]]:
    """``(text, code id)`` of the codes in tree order, for a list to choose from.

    The text is the label (indented by depth unless only active codes are listed),
    the id, the status when not active and the number of codings.
    """
    options = []
    for row in tree.to_dict(orient="records"):
        if row["status"] == UNKNOWN_STATUS or (active_only and row["status"] != "active"):
            continue
        status = "" if row["status"] == "active" else f" [{row['status']}" + (
            f" into {row['merged_into']}]" if row["merged_into"] else "]")  # fmt: skip
        indent = "\u00a0" * 3 * (0 if active_only else int(row["depth"]))
        options.append((f"{indent}{row['label']} ({row['id']}){status} · {int(row['total'])}",
                        row["id"]))  # fmt: skip
    return options


def _tree_html(tree: pd.DataFrame, selected: str | None) -> str:
    if tree.empty:
        return "<i>No codes yet.</i>"
    counted = list(tree.columns[len(TREE_COLUMNS):])  # one per coder, then the total
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ["code", "status", *counted])
    rows = []
    for row in tree.to_dict(orient="records"):
        muted = row["status"] != "active"
        style = f" style='{_MUTED};font-style:italic'" if muted else ""
        mark = " style='background:#fff3cd'" if row["id"] == selected else ""
        status = row["status"] + (f" → {row['merged_into']}" if row["merged_into"] else "")
        cells = "".join(f"<td style='text-align:right'>{int(row[c])}</td>" for c in counted)
        rows.append(
            f"<tr{mark}><td{style}><span style='padding-left:{1.2 * int(row['depth'])}em'>"
            f"{html.escape(str(row['label']))}</span> <small>({html.escape(row['id'])})"
            f"</small></td><td{style}>{html.escape(status)}</td>{cells}</tr>"
        )
    return (
        "<table class='workbench-codebook-tree' style='border-collapse:collapse'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _versions_html(versions: pd.DataFrame) -> str:
    rows = "".join(
        f"<tr><td>{int(r['version'])}</td><td>{html.escape(str(r['at'])[:19])}</td>"
        f"<td>{html.escape(str(r['actor']))}</td><td>{html.escape(str(r['operation']))}"
        f"{' (undone)' if r['undone'] else ''}</td><td>{html.escape(str(r['rationale'] or ''))}"
        "</td></tr>"
        for r in versions.to_dict(orient="records")
    )  # fmt: skip
    return (
        "<table class='workbench-codebook-versions' style='border-collapse:collapse'><thead>"
        "<tr><th>version</th><th>when</th><th>who</th><th>operation</th><th>why</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _feedback(items: list[dict]) -> str:
    """The advisory committee's feedback on a code, as a short list."""
    if not items:
        return ""
    rows = "".join(f"<li>{html.escape(item['text'])}</li>" for item in items)
    return (f"<div class='workbench-codebook-feedback' style='background:#eef4fa;padding:4px "
            f"8px;margin-top:4px'><b>Advisory committee feedback ({len(items)})</b>"
            f"<ul style='margin:2px 0'>{rows}</ul></div>")
