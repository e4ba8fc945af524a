"""The publishing widget: review quotes theme by theme, preview the app, publish.

A thin view over :class:`~workbench.publish.session.PublishSession`: it lists the
themes and their candidate quotes, shows each quote as written (private) and as it
would be published, forwards approve / edit / withhold, previews any page of the
app exactly as it would be published, and publishes.

In a notebook::

    from workbench.publish.session import PublishSession
    from workbench.widgets.publish import PublishView
    PublishView(PublishSession(project, out_dir="../committee-app"))
"""

from __future__ import annotations

import html

import ipywidgets as w

from workbench.publish.session import PublishSession
from workbench.widgets.errors import error_banner, shows_errors
from workbench.widgets.view import View

_PRIVATE = "background:#fff3cd;padding:4px 8px;border-left:4px solid #d8b400"
_PUBLIC = "background:#eef4fa;padding:4px 8px;border-left:4px solid #1f4e79"
_DECISIONS = [("Waiting for review", "pending"), ("Approve as shown", "approve"),
              ("Publish my wording", "edit"), ("Withhold", "withhold")]  # fmt: skip


class PublishView(View):
    """Quote review, preview and publishing of a project's findings.

    Parameters
    ----------
    session : PublishSession
        The controller doing the work.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The root widget.
    version, status
        The codebook version to publish, and the review's status line.
    theme, quote_list, quote_detail, decision, wording, save_button, approve_theme
        The theme under review, its candidate quotes, the quote chosen (as written and
        as it would be published), the decision on it, the wording of an edit, the
        button that records the decision, and "approve every waiting quote of this theme".
    page, preview
        Which page of the app to preview, and the preview itself.
    publish_button, message, error_banner
        Publish now, what publishing did, and the error banner.
    """

    NAME = "publish view"

    def __init__(self, session: PublishSession) -> None:
        self.session = session
        self.error_banner = error_banner()
        self.version = w.Dropdown(options=session.versions(), value=session.version,
                                  description="Codebook", layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self.theme = w.Dropdown(description="Theme", layout=w.Layout(width="60%"))
        self.quote_list = w.Select(options=[], rows=8, layout=w.Layout(width="98%"))
        self.quote_detail = w.HTML()
        self.decision = w.RadioButtons(options=_DECISIONS, value="pending",
                                       layout=w.Layout(width="auto"))  # fmt: skip
        self.wording = w.Textarea(placeholder="Your wording (for 'Publish my wording')",
                                  layout=w.Layout(width="98%", height="5em"))  # fmt: skip
        self.save_button = w.Button(description="Record the decision", button_style="primary",
                                    icon="check", layout=w.Layout(width="auto"))  # fmt: skip
        self.approve_theme = w.Button(description="Approve every waiting quote of this theme",
                                      layout=w.Layout(width="auto"))  # fmt: skip
        self.page = w.Dropdown(description="Preview", layout=w.Layout(width="60%"))
        self.preview = w.HTML()
        self.publish_button = w.Button(description="Publish the app", button_style="success",
                                       icon="upload", layout=w.Layout(width="auto"))  # fmt: skip
        self.message = w.HTML()
        self.widget = w.VBox([
            self.error_banner, self.version, self.status,
            w.HTML("<h4>1 · Review the quotes</h4><p>Yellow: the comment as written (stays "
                   "private). Blue: what would be published. Only approved quotes are "
                   "published.</p>"),
            self.theme,
            w.HBox([w.VBox([self.quote_list, self.approve_theme], layout=w.Layout(width="45%")),
                    w.VBox([self.quote_detail, self.decision, self.wording, self.save_button],
                           layout=w.Layout(width="55%"))]),
            w.HTML("<h4>2 · Preview the app</h4>"), self.page, self.preview,
            w.HTML("<h4>3 · Publish</h4>"), self.publish_button, self.message,
        ])  # fmt: skip
        self.version.observe(self.on_version, names=["value"])
        self.theme.observe(self.on_theme, names=["value"])
        self.quote_list.observe(self.on_quote, names=["value"])
        self.save_button.on_click(self.on_save)
        self.approve_theme.on_click(self.on_approve_theme)
        self.page.observe(self.on_page, names=["value"])
        self.publish_button.on_click(self.on_publish)
        self.refresh()

    # -- display -------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the session's themes, quotes, status and preview."""
        themes = self.session.themes()
        options = [(f"{r.label} ({r.authors} people{'' if r.shown else ', not shown'})",
                    r.code_id) for r in themes.itertuples()]  # fmt: skip
        pages = [("Overview", "overview"), ("Themes", "themes"), ("Map", "map"),
                 ("How this was done", "methods")]  # fmt: skip
        pages += [(f"Theme: {r.label}", r.code_id) for r in themes.itertuples() if r.shown]
        with self._silently():
            current = self.theme.value
            self.theme.options = options
            self.theme.value = current if current in dict(options).values() else (
                options[0][1] if options else None)
            self.page.options = pages
        self.show_quotes()
        self.show_preview()

    def show_quotes(self) -> None:
        """List the candidate quotes of the theme chosen."""
        quotes = self.session.quotes(self.theme.value) if self.theme.value else []
        marks = {"pending": "…", "approve": "✓", "edit": "✎", "withhold": "✗"}
        with self._silently():
            self.quote_list.options = [
                (f"{marks[q.decision]} {q.rank}. {q.original[:70]}", q.id) for q in quotes]
            self.quote_list.value = quotes[0].id if quotes else None
        self.show_quote()
        self.status.value = html.escape(self.session.status())

    def show_quote(self) -> None:
        """Show the chosen quote, as written and as it would be published."""
        quote = self.session.review.by_id().get(self.quote_list.value or "")
        if quote is None:
            self.quote_detail.value = "<i>No quotes for this theme.</i>"
            return
        published = quote.edited if quote.decision == "edit" and quote.edited else quote.scrubbed
        self.quote_detail.value = (
            f"<div style='{_PRIVATE}'>{html.escape(quote.original)}</div>"
            f"<div style='{_PUBLIC}'>{html.escape(published)}</div>")
        with self._silently():
            self.decision.value = quote.decision
            self.wording.value = quote.edited or ""

    def show_preview(self) -> None:
        """Show the page chosen as it would be published."""
        self.preview.value = self.session.preview(self.page.value or "overview")

    # -- callbacks -----------------------------------------------------------------

    @shows_errors()
    def on_version(self, change: dict | None = None) -> None:
        """Describe another codebook version."""
        if self._quiet:
            return
        self.session.choose_version(self.version.value)
        self.refresh()

    @shows_errors()
    def on_theme(self, change: dict | None = None) -> None:
        """Review another theme."""
        if not self._quiet:
            self.show_quotes()

    @shows_errors()
    def on_quote(self, change: dict | None = None) -> None:
        """Show another quote."""
        if not self._quiet:
            self.show_quote()

    @shows_errors()
    def on_save(self, button: w.Button | None = None) -> None:
        """Record the decision on the quote shown."""
        if self.quote_list.value is None:
            return
        chosen = self.quote_list.value
        self.session.decide(chosen, self.decision.value, self.wording.value or None)
        self.show_quotes()
        with self._silently():
            self.quote_list.value = chosen
        self.show_quote()
        self.show_preview()

    @shows_errors()
    def on_approve_theme(self, button: w.Button | None = None) -> None:
        """Approve every waiting quote of the theme shown."""
        self.session.approve_pending(self.theme.value)
        self.show_quotes()
        self.show_preview()

    @shows_errors()
    def on_page(self, change: dict | None = None) -> None:
        """Preview another page."""
        if not self._quiet:
            self.show_preview()

    @shows_errors()
    def on_publish(self, button: w.Button | None = None) -> None:
        """Publish the app folder."""
        report = self.session.publish()
        self.message.value = "<br>".join(html.escape(line)
                                         for line in report.describe().splitlines())
