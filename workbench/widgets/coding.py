"""The coding app: one comment at a time in its thread, codes as toggles, saved at once.

A thin view over :class:`~workbench.coding.session.CodingSession`: it shows the
session's comment (its parent chain above, its replies below), the codebook's active
codes as toggle buttons (definitions on hover, and all of them under *Code
definitions*), the coder's codings with their memos, and the queues; it forwards
clicks, keys and text selections. Every decision is the session's, and every action
is saved at once: there is no save button. A save that failed stays listed under the
comment, with Retry and Discard, and errors show in a red banner (exceptions inside
widget callbacks are otherwise invisible).

Selecting text of the comment (:class:`~workbench.widgets.passage.PassageWidget`, an
anywidget whose JavaScript ships in ``workbench/widgets/static/passage.js``) makes the
next code clicked code that passage. Keys, while the app has focus (click it): ``n`` /
``→`` next, ``p`` / ``←`` previous, ``1``-``9`` and ``0`` the first ten codes, ``u`` or
ctrl/cmd+Z undo, Esc forgets the selection. In a notebook::

    from workbench.coding.session import CodingSession
    from workbench.widgets.coding import CodingView
    CodingView(CodingSession(project, "ann"))
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from workbench.coding.queues import QUEUE_KINDS
from workbench.coding.session import CodingSession
from workbench.coding.threads import ThreadContext, shorten, utc_text
from workbench.widgets.errors import error_banner, shows_errors
from workbench.widgets.passage import PassageWidget
from workbench.widgets.view import View

#: Colours of coded passages, by code (a code's own ``color`` comes first).
#: (No blue: it would look like the browser's own selection.)
PALETTE = ("#ffe08a", "#a8e6cf", "#ffc3a0", "#d9c2f0", "#f7a1c4", "#c5e384", "#ffd8a8")
_MUTED = "color:#666"
_NOTE_STYLE = "color:#0f5132"
_PENDING_STYLE = "background:#fff3cd;border:1px solid #ffe08a;border-radius:4px;padding:4px 8px"
_LABEL_STYLE = {"description_width": "70px"}
_QUOTE_CHARS = 300


def _render(view: CodingView) -> None:
    view.render()


class CodingView(View):
    """Code a project's comments one at a time, in queues, with every action saved at once.

    Parameters
    ----------
    session : CodingSession
        The controller doing the work.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The root widget (class ``workbench-coding``; displaying the view displays it).
    toggles : dict of str to ipywidgets.ToggleButton
        One toggle per active code, by code id (on: the whole comment has the code).
    passage : PassageWidget
        The comment's text (select a passage, then click a code).
    """

    NAME = "coding view"

    def __init__(self, session: CodingSession) -> None:
        self.session = session
        self.error_banner = error_banner()
        self.status, self.note, self.message, self.above, self.header = _htmls(5)
        self.selection_note, self.below, self.definitions, self.others, self.pending = _htmls(5)
        self.cluster_help = w.HTML()
        self.queue_kind = w.Dropdown(options=[(v, k) for k, v in QUEUE_KINDS.items()],
                                     description="Queue", style=_LABEL_STYLE)  # fmt: skip
        self.queue_thread = w.Dropdown(description="Thread", style=_LABEL_STYLE,
                                       layout=w.Layout(width="420px"))  # fmt: skip
        self.queue_cluster = w.Dropdown(description="Cluster", style=_LABEL_STYLE)
        self.queue_code = w.Dropdown(description="Code", style=_LABEL_STYLE)
        self.open_button = _button("Open", "folder-open")
        self.previous_button = _button("Previous", "arrow-left", "Previous comment (p or ←)")
        self.next_button = _button("Next", "arrow-right", "Next comment (n or →)")
        self.undo_button = _button("Undo", "undo", "Undo your last action (u or ctrl/cmd+Z)")
        self.reload_button = _button("Reload", "refresh", "Read the codebook and comments again")
        self.passage = PassageWidget(layout=w.Layout(
            border="2px solid #4a7bd0", padding="6px 10px", margin="2px 0"))  # fmt: skip
        self.toggles: dict[str, w.ToggleButton] = {}
        self.codes_box, self.codings_box = w.VBox(), w.VBox()
        self.memo_target = w.Dropdown(description="Memo for", style=_LABEL_STYLE,
                                      layout=w.Layout(width="98%"))  # fmt: skip
        self.memo = w.Textarea(placeholder="A memo: saved when you click elsewhere",
                               continuous_update=False, rows=2,
                               layout=w.Layout(width="98%"))  # fmt: skip
        self.retry_button = _button("Retry saving", "repeat", button_style="warning")
        self.discard_button = _button("Discard", "trash")
        self.pending_box = w.VBox([self.pending, w.HBox([self.retry_button,
                                                         self.discard_button])])  # fmt: skip
        self.cluster_code = w.Dropdown(description="Code", style=_LABEL_STYLE)
        self.cluster_choice = w.Dropdown(description="Cluster", style=_LABEL_STYLE,
                                         layout=w.Layout(width="420px"))  # fmt: skip
        self.cluster_list_button = _button("List its comments", "list")
        self.cluster_checks = w.VBox(layout=w.Layout(max_height="360px", overflow="auto"))
        self.cluster_all, self.cluster_none = _button("Check all"), _button("Uncheck all")
        self.cluster_confirm = _button("Code the checked comments", "check",
                                       button_style="primary", disabled=True)  # fmt: skip
        self._plan: Any = None
        self._shown_codings: list[tuple] | None = None

        side = w.VBox([
            w.HTML("<b>Codes</b> <small style='color:#666'>(click to code the whole comment, "
                   "or select text first to code a passage; hover for definitions)</small>"),
            self.codes_box,
            w.Accordion(children=[self.definitions], titles=("Code definitions",),
                        selected_index=None),
            self.memo_target, self.memo,
            w.HTML("<b>Your codings of this comment</b>"), self.codings_box, self.others,
        ], layout=w.Layout(width="40%", padding="0 0 0 12px"))  # fmt: skip
        cluster = w.VBox([
            w.HTML("Code every comment of a cluster with one code: list them, uncheck the "
                   "ones that do not fit, then code the rest in one step (Undo takes it back)."),
            w.HBox([self.cluster_code, self.cluster_choice, self.cluster_list_button]),
            self.cluster_help, self.cluster_checks,
            w.HBox([self.cluster_all, self.cluster_none, self.cluster_confirm]),
        ])  # fmt: skip
        self.widget = w.VBox([
            self.error_banner, self.status,
            w.HBox([self.queue_kind, self.queue_thread, self.queue_cluster, self.queue_code,
                    self.open_button]),
            w.HBox([self.previous_button, self.next_button, self.undo_button,
                    self.reload_button]),
            self.note, self.message, self.pending_box,
            w.HBox([w.VBox([self.above, self.header, self.passage, self.selection_note,
                            self.below], layout=w.Layout(width="60%")), side]),
            w.Accordion(children=[cluster], titles=("Code a whole cluster",),
                        selected_index=None),
        ])  # fmt: skip
        self.widget.add_class("workbench-coding")

        self.queue_kind.observe(self.on_queue_kind, names=["value"])
        self.open_button.on_click(self.on_open)
        self.previous_button.on_click(self.on_previous)
        self.next_button.on_click(self.on_next)
        self.undo_button.on_click(self.on_undo)
        self.reload_button.on_click(self.on_reload)
        self.memo_target.observe(self.on_memo_target, names=["value"])
        self.memo.observe(self.on_memo, names=["value"])
        self.passage.observe(self.on_selection, names=["selection"])
        self.passage.on_key(self.on_key)
        self.retry_button.on_click(self.on_retry)
        self.discard_button.on_click(self.on_discard)
        self.cluster_list_button.on_click(self.on_cluster_list)
        self.cluster_all.on_click(lambda _: self._check_all(True))
        self.cluster_none.on_click(lambda _: self._check_all(False))
        self.cluster_confirm.on_click(self.on_cluster_confirm)
        self._build_codes()
        self._fill_choices()
        self.render()

    # -- display -------------------------------------------------------------------

    # -- callbacks -----------------------------------------------------------------

    @shows_errors(after=_render)
    def on_toggle(self, code_id: str) -> None:
        """Code (or uncode) the whole comment; with text selected, code that passage."""
        span = self.passage.selected_span()
        if span is not None:
            self.session.code_passage(code_id, *self.session.shown_text().to_raw(*span))
        else:
            self.session.toggle(code_id)

    @shows_errors(after=_render)
    def on_next(self, button: w.Button | None = None) -> None:
        """Show the next comment of the queue."""
        self.session.next()

    @shows_errors(after=_render)
    def on_previous(self, button: w.Button | None = None) -> None:
        """Show the previous comment of the queue."""
        self.session.previous()

    @shows_errors(after=_render)
    def on_undo(self, button: w.Button | None = None) -> None:
        """Undo this session's last saved action."""
        self.session.undo()

    @shows_errors(after=_render)
    def on_reload(self, button: w.Button | None = None) -> None:
        """Read the codebook, comments and codings again (the queue stays)."""
        self.session.refresh()
        self._build_codes()
        self._fill_choices()
        self.session.message = "read the codebook, the comments and the codings again"

    @shows_errors()
    def on_key(self, action: str) -> None:
        """A shortcut key pressed in the browser (see the module)."""
        if action.startswith("code:"):
            self.on_toggle(self.session.code_for_key(action.split(":", 1)[1]))
        elif action in ("next", "previous", "undo"):
            getattr(self, f"on_{action}")()
        elif action == "clear":
            self.passage.selection = {}

    @shows_errors()
    def on_selection(self, change: dict[str, Any]) -> None:
        """Say which passage is selected (the next code clicked codes it)."""
        span = self.passage.selected_span()
        self.selection_note.value = "" if span is None else (
            f"<small><b>Passage selected</b> (characters {span[0]}–{span[1]}): "
            f"“{html.escape(shorten(self.passage.text[span[0]:span[1]], 120))}”. Click a code "
            "(or press its number) to code it; Esc forgets it.</small>")  # fmt: skip

    @shows_errors()
    def on_queue_kind(self, change: dict[str, Any] | None = None) -> None:
        """Show the choice the chosen kind of queue needs (a thread, cluster or code)."""
        kind = self.queue_kind.value
        for box, wanted in ((self.queue_thread, "thread"), (self.queue_cluster, "cluster"),
                            (self.queue_code, "suggested")):  # fmt: skip
            box.layout.display = "" if kind == wanted else "none"

    @shows_errors(after=_render)
    def on_open(self, button: w.Button | None = None) -> None:
        """Open the chosen queue at its first comment."""
        kind = self.queue_kind.value
        self.session.open(kind, thread_id=self.queue_thread.value if kind == "thread" else None,
                          cluster=self.queue_cluster.value, code_id=self.queue_code.value)

    @shows_errors()
    def on_memo_target(self, change: dict[str, Any]) -> None:
        """Show the memo of the coding chosen (or the memo kept for the next coding)."""
        if self._quiet:
            return
        with self._silently():
            self.memo.value = self._memo_of(change["new"])

    @shows_errors(after=_render)
    def on_memo(self, change: dict[str, Any]) -> None:
        """Save the memo (when the memo field loses focus): saved at once."""
        if not self._quiet:
            self.session.write_memo(change["new"], self.memo_target.value)

    @shows_errors(after=_render)
    def on_retry(self, button: w.Button | None = None) -> None:
        """Try the saves that failed again."""
        self.session.retry()

    @shows_errors(after=_render)
    def on_discard(self, button: w.Button | None = None) -> None:
        """Drop the saves that failed (they were never saved)."""
        self.session.discard()

    @shows_errors(after=_render)
    def on_remove(self, coding_id: int) -> None:
        """Remove one of the coder's codings (a passage, or the whole comment's)."""
        self.session.uncode(coding_id)

    @shows_errors()
    def on_cluster_list(self, button: w.Button | None = None) -> None:
        """List the cluster's comments, each checked unless already coded with the code."""
        if self.cluster_choice.value is None:
            self.cluster_help.value = "<i>No cluster run yet: make one in the explore notebook.</i>"
            return
        self._plan = self.session.plan_cluster(self.cluster_code.value, self.cluster_choice.value)
        rows = self._plan.rows.to_dict(orient="records")
        checks = [w.Checkbox(value=not row["coded"], disabled=bool(row["coded"]), indent=False,
                             description=("(coded) " if row["coded"] else "") + row["text"],
                             layout=w.Layout(width="98%")) for row in rows]  # fmt: skip
        _replace(self.cluster_checks, checks)
        self.cluster_help.value = (
            f"<b>{html.escape(self._plan.label)}</b>: {len(rows)} comments with text, "
            f"{int(self._plan.rows['coded'].sum())} coded with "
            f"{html.escape(self.session.label(self._plan.code_id))} already.")  # fmt: skip
        self.cluster_confirm.disabled = not rows

    @shows_errors(after=_render)
    def on_cluster_confirm(self, button: w.Button | None = None) -> None:
        """Code the checked comments of the listed cluster, as one action."""
        plan = self._plan
        if plan is None:
            return
        ids = [cid for cid, box in zip(plan.rows["comment_id"], self.cluster_checks.children,
                                       strict=True) if box.value and not box.disabled]  # fmt: skip
        self.session.code_cluster(plan, ids)
        self._plan = None
        self.cluster_confirm.disabled = True
        _replace(self.cluster_checks, [])
        done = html.escape(self.session.message)
        self.cluster_help.value = f'<span style="{_NOTE_STYLE}">{done}</span>'

    def _check_all(self, value: bool) -> None:
        for box in self.cluster_checks.children:
            if not box.disabled:
                box.value = value

    # -- rendering -----------------------------------------------------------------

    def render(self) -> None:
        """Show the session's state: the comment, its thread, codes, codings, saves."""
        session = self.session
        context = session.context
        self.status.value = f"<b>{html.escape(session.status())}</b>"
        self.note.value = (f"<small style='{_MUTED}'>{html.escape(session.item.note)}</small>"
                           if session.item is not None and session.item.note else "")  # fmt: skip
        self.message.value = (f'<span style="{_NOTE_STYLE}">{html.escape(session.message)}'
                              "</span>" if session.message else "")  # fmt: skip
        last = len(session.queue) - 1
        self.previous_button.disabled = session.position <= 0
        self.next_button.disabled = session.position >= last
        self.undo_button.disabled = not session.can_undo
        self._render_pending()
        with self._silently():
            if context is None:
                self.above.value = self.header.value = self.below.value = ""
                self.passage.show("", [])
                self.selection_note.value = ""
                for toggle in self.toggles.values():
                    toggle.value, toggle.disabled = False, True
                self._render_codings([])
                return
            self.above.value = _above_html(context)
            self.header.value = _header_html(context)
            self.passage.layout.margin = f"2px 0 2px {_indent(len(context.ancestors))}px"
            self.below.value = _below_html(context)
            mine = session.my_codings()
            shown = session.shown_text()
            marks = []
            for r in mine:
                if r["span_start"] is not None:
                    start, end = shown.to_shown(r["span_start"], r["span_end"])
                    marks.append({"start": start, "end": end, "label": r["label"],
                                  "color": self._color(r["code_id"]),
                                  "pending": r["state"] != "saved"})  # fmt: skip
            self.passage.show(shown.text, marks)
            self.selection_note.value = ""
            for code_id, state in session.code_states().items():
                toggle = self.toggles[code_id]
                toggle.disabled = False
                toggle.value = state in ("on", "adding")
                toggle.button_style = {"on": "success", "adding": "warning",
                                       "removing": "warning"}.get(state, "")  # fmt: skip
            self._render_codings(mine)

    def _render_codings(self, mine: list[dict[str, Any]]) -> None:
        key = [(r["coding_id"], r["label"], r["quote"], r["memo"], r["state"]) for r in mine]
        if key != self._shown_codings:  # widgets are made anew only when the list changes
            self._shown_codings = key
            self._coding_rows(mine)
        saved = [r for r in mine if r["coding_id"] is not None]
        options = [("the next coding of this comment", None)] + [
            (r["label"] + (f" “{shorten(r['quote'], 30)}”" if r["quote"] else ""),
             r["coding_id"]) for r in saved]  # fmt: skip
        target = saved[-1]["coding_id"] if saved else None
        if list(self.memo_target.options) != options:
            self.memo_target.options = options
        self.memo_target.value = target
        self.memo.value = self._memo_of(target)
        others = self.session.others()
        self.others.value = "" if not others else "<b>Other coders</b><ul>" + "".join(
            f"<li>{html.escape(r['coder'])}: {html.escape(r['label'])}"
            + (f" <i>“{html.escape(shorten(r['quote'], 60))}”</i>" if r["quote"] else "")
            + "</li>" for r in others) + "</ul>"  # fmt: skip

    def _coding_rows(self, mine: list[dict[str, Any]]) -> None:
        rows = []
        for row in mine:
            text = html.escape(row["label"]) + (
                f" <i>“{html.escape(shorten(row['quote'], 60))}”</i>" if row["quote"] else
                " <small>(whole comment)</small>") + (
                f"<br><small style='{_MUTED}'>memo: {html.escape(row['memo'])}</small>"
                if row["memo"] else "") + (
                f" <b style='color:#8a6d3b'>{row['state']}</b>" if row["state"] != "saved"
                else "")  # fmt: skip
            remove = w.Button(icon="times", tooltip="Remove this coding",
                              layout=w.Layout(width="32px"),
                              disabled=row["coding_id"] is None)  # fmt: skip
            if row["coding_id"] is not None:
                remove.on_click(lambda _, cid=row["coding_id"]: self.on_remove(cid))
            rows.append(w.HBox([remove, w.HTML(text)]))
        if not rows:
            rows = [w.HTML(f"<i style='{_MUTED}'>None yet.</i>")]
        _replace(self.codings_box, rows)

    def _render_pending(self) -> None:
        pending = self.session.pending
        self.pending_box.layout.display = "" if pending else "none"
        self.pending.value = "" if not pending else (
            f"<div style='{_PENDING_STYLE}'><b>Not saved yet ({len(pending)}):</b><ul>"
            + "".join(f"<li>{html.escape(s.description)} <small>— {html.escape(s.error)}"
                      "</small></li>" for s in pending)
            + "</ul>Retry saves them; Discard drops them.</div>")  # fmt: skip

    def _memo_of(self, coding_id: int | None) -> str:
        if coding_id is None:
            return self.session.draft_memo
        row = self.session.ledger.get(coding_id)
        return "" if row is None else row["memo"] or ""

    def _color(self, code_id: str) -> str:
        codebook = self.session.codebook
        if codebook.has(code_id) and codebook.code(code_id).color:
            return str(codebook.code(code_id).color)
        ids = [c.id for c in self.session.codes]
        return PALETTE[ids.index(code_id) % len(PALETTE)] if code_id in ids else PALETTE[0]

    def _build_codes(self) -> None:
        """One toggle per active code, a row per top-level family; the definitions."""
        session = self.session
        families: dict[str, list[w.ToggleButton]] = {}
        self.toggles = {}
        for code in session.codes:
            path = session.codebook.path(code.id)
            key = session.shortcut(code.id)
            toggle = w.ToggleButton(
                description=("› " * (len(path) - 1)) + (f"{key} · " if key else "") + code.label,
                tooltip=session.code_help(code.id), layout=w.Layout(width="auto"))  # fmt: skip
            toggle.observe(lambda change, c=code.id: self._toggled(c), names=["value"])
            self.toggles[code.id] = toggle
            families.setdefault(path[0], []).append(toggle)
        _replace(self.codes_box, [w.Box(row, layout=w.Layout(flex_flow="row wrap"))
                                  for row in families.values()])  # fmt: skip
        self.definitions.value = "<dl>" + "".join(
            f"<dt><b>{html.escape(c.label)}</b> <small>({html.escape(c.id)})</small></dt>"
            f"<dd style='white-space:pre-wrap'>"
            f"{html.escape(session.code_help(c.id).split(chr(10), 1)[-1])}</dd>"
            for c in session.codes) + "</dl>"  # fmt: skip
        options = [(c.label, c.id) for c in session.codes]
        for box in (self.queue_code, self.cluster_code):
            _choices(box, options)

    def _toggled(self, code_id: str) -> None:
        if not self._quiet:
            self.on_toggle(code_id)

    def _fill_choices(self) -> None:
        """The threads and clusters to choose from, and the queue shown."""
        session = self.session
        with self._silently():
            _choices(self.queue_thread, session.thread_options())
            clusters = session.cluster_options()
            _choices(self.queue_cluster, clusters)
            _choices(self.cluster_choice, clusters)
            kinds = [k for _, k in self.queue_kind.options]
            self.queue_kind.value = session.queue.kind if session.queue.kind in kinds else "queue"
            if session.comment_id is not None:
                self.queue_thread.value = session.comments.thread_of(session.comment_id)
        self.on_queue_kind()


def _choices(box: w.Dropdown, options: list[tuple[str, Any]]) -> None:
    """Offer ``options``, keeping the choice made if it is still offered, else the first."""
    kept = box.value
    box.options = options
    values = [value for _, value in options]
    box.value = kept if kept in values else (values[0] if values else None)


def _htmls(n: int) -> list[w.HTML]:
    return [w.HTML() for _ in range(n)]


def _button(description: str, icon: str = "", tooltip: str = "", **more: Any) -> w.Button:
    return w.Button(description=description, icon=icon, tooltip=tooltip,
                    layout=w.Layout(width="auto"), **more)  # fmt: skip


def _replace(box: w.Box, children: list[w.Widget]) -> None:
    """Put ``children`` in ``box``, closing the widgets they replace (no leaked models)."""
    old = list(box.children)
    box.children = children
    for widget in old:
        if widget not in children:
            _close(widget)


def _close(widget: w.Widget) -> None:
    """Close a widget, its children and its layout and style models."""
    for child in getattr(widget, "children", ()):
        _close(child)
    for part in ("layout", "style"):
        model = getattr(widget, part, None)
        if isinstance(model, w.Widget):
            model.close()
    widget.close()


def _indent(level: int) -> int:
    """Pixels a comment at ``level`` of the chain shown is indented (capped)."""
    return 12 * min(level, 12)


def _who(row: dict[str, Any]) -> str:
    return html.escape(str(row["author_pseudonym"] or "unknown author"))


def _bubble(row: dict[str, Any], indent: int, limit: int = _QUOTE_CHARS) -> str:
    text = str(row["text"] or "").strip() or "(no text)"
    kind = "post · " if row["kind"] == "post" else ""
    return (f"<div style='margin:2px 0 2px {indent}px;padding:2px 8px;border-left:3px solid "
            f"#d0d7de;{_MUTED}'><small>{kind}{_who(row)} · {utc_text(row['created_at'])}"
            f"</small><br>{html.escape(shorten(text, limit))}</div>")  # fmt: skip


def _above_html(context: ThreadContext) -> str:
    title = (f"<div><b>Thread:</b> {html.escape(context.thread_title)} "
             f"<small style='{_MUTED}'>({context.thread_size} comments)</small></div>")  # fmt: skip
    hidden = (f"<div style='{_MUTED}'><small>… {context.hidden_ancestors} earlier comments "
              "in this chain</small></div>" if context.hidden_ancestors else "")  # fmt: skip
    missing = (f"<div style='{_MUTED}'><small>It replies to a comment the project does not "
               "have.</small></div>" if context.parent_missing else "")  # fmt: skip
    chain = "".join(_bubble(row, _indent(n)) for n, row in enumerate(context.ancestors))
    return title + hidden + missing + chain


def _header_html(context: ThreadContext) -> str:
    c = context.comment
    link = ""
    url = context.source_url or ""
    if url.startswith(("https://", "http://")):
        link = (f" · <a href='{html.escape(url, quote=True)}' target='_blank' "
                f"rel='noopener noreferrer'>open on {html.escape(str(c['platform']))} ↗</a>")
    deleted = " · <b>deleted on the platform</b>" if c["is_deleted"] else ""
    score = f" · score {c['score']}" if c["score"] is not None else ""
    title = f"<br><b>{html.escape(str(c['title']))}</b>" if c["title"] else ""
    return (f"<div style='margin-left:{_indent(len(context.ancestors))}px'><b>{_who(c)}</b> · "
            f"{html.escape(str(c['platform']))} · {utc_text(c['created_at'])}{score}{deleted}"
            f"{link}{title}</div>")  # fmt: skip


def _below_html(context: ThreadContext) -> str:
    if not context.replies_total:
        return f"<div style='{_MUTED}'><small>No replies.</small></div>"
    indent = _indent(len(context.ancestors) + 1)
    more = context.replies_total - len(context.replies)
    return (f"<div style='margin-left:{indent}px'><small><b>Replies "
            f"({context.replies_total})</b></small></div>"
            + "".join(_bubble(row, indent, 200) for row in context.replies)
            + (f"<div style='margin-left:{indent}px;{_MUTED}'><small>… and {more} more"
               "</small></div>" if more else ""))  # fmt: skip
