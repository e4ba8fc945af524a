"""The advisory committee's app: pages of a findings bundle behind plain buttons.

:class:`Navigator` holds what is shown (page, theme, platform filter) and returns the
page's HTML; :class:`App` is its view in ipywidgets (native buttons and drop-downs,
so everything works by keyboard) plus the feedback form. Run inside Voila from the
published folder's ``app.ipynb``::

    from viewer.app import show
    show()
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import feedback, pages
from .bundle import Bundle, BundleError, load, platform_name

PAGES = ("overview", "themes", "theme", "map", "methods")
ALL = "all platforms"


@dataclass
class Navigator:
    """What the app shows: a page, the theme on the theme page, a platform filter."""

    bundle: Bundle
    page: str = "overview"
    theme: str | None = None
    platform: str | None = None

    def __post_init__(self) -> None:
        if self.theme is None and self.bundle.themes:
            self.theme = self.bundle.themes[0]["id"]

    def go(self, page: str, theme: str | None = None) -> str:
        """Show ``page`` (and ``theme``); returns the page's HTML."""
        if page not in PAGES:
            raise ValueError(f"unknown page {page!r}; pages: {', '.join(PAGES)}")
        self.page = page
        if theme is not None:
            self.bundle.theme(theme)  # unknown ids raise KeyError
            self.theme = theme
        return self.html()

    def filter(self, platform: str | None) -> str:
        """Show only ``platform`` (None: all) where a page can; returns the page's HTML."""
        if platform is not None and platform not in self.bundle.platforms():
            raise ValueError(f"unknown platform {platform!r}")
        self.platform = platform
        return self.html()

    def html(self) -> str:
        """The HTML of the page shown now."""
        if self.page == "themes":
            return pages.theme_ranking(self.bundle, self.platform)
        if self.page == "theme" and self.theme is not None:
            return pages.theme_page(self.bundle, self.theme, self.platform)
        if self.page == "map":
            return pages.map_page(self.bundle, self.theme if self.platform is None else None)
        if self.page == "methods":
            return pages.methods_page(self.bundle)
        return pages.overview(self.bundle)


class App:
    """The app's widgets (built on first :meth:`widget`)."""

    def __init__(self, folder: str | Path = ".") -> None:
        self.folder = Path(folder)
        self.bundle = load(self.folder / "bundle")
        self.navigator = Navigator(self.bundle)

    def widget(self):  # noqa: ANN201 - ipywidgets is imported lazily
        """The whole app as one widget."""
        import ipywidgets as w

        labels = {"overview": "Overview", "themes": "Themes", "theme": "Theme page",
                  "map": "Map of comments", "methods": "How this was done"}  # fmt: skip
        self.buttons = {}
        for page, label in labels.items():
            button = w.Button(description=label, tooltip=f"Show: {label}",
                              layout=w.Layout(width="auto"))  # fmt: skip
            button.on_click(lambda _b, page=page: self.show(page))
            self.buttons[page] = button
        themes = [(t["label"], t["id"]) for t in self.bundle.themes]
        self.theme_choice = w.Dropdown(options=themes, value=self.navigator.theme,
                                       description="Theme", layout=w.Layout(width="auto"))
        self.theme_choice.observe(self._on_theme, names="value")
        platforms = [(ALL, ""), *((platform_name(p), p) for p in self.bundle.platforms())]
        self.platform_choice = w.Dropdown(options=platforms, value="",
                                          description="Platform", layout=w.Layout(width="auto"))
        self.platform_choice.observe(self._on_platform, names="value")
        self.content = w.HTML(self.navigator.html())
        self.feedback_text = w.Textarea(
            placeholder="What do you think about this theme? Is anything missing or wrong?",
            description="Your view", layout=w.Layout(width="100%", height="8em"))
        self.feedback_send = w.Button(description="Send feedback on this theme",
                                      button_style="primary", layout=w.Layout(width="auto"))
        self.feedback_send.on_click(lambda _b: self.send_feedback())
        self.feedback_status = w.HTML("")
        self.feedback_box = w.VBox([
            w.HTML("<h2>Tell the research team what you think</h2><p>Your feedback goes to "
                   "the research team only. Please do not write your name or anyone "
                   "else's.</p>"),
            self.feedback_text, self.feedback_send, self.feedback_status,
        ], layout=w.Layout(display="none"))  # fmt: skip
        nav = w.HBox(list(self.buttons.values()), layout=w.Layout(flex_flow="row wrap"))
        filters = w.HBox([self.theme_choice, self.platform_choice],
                         layout=w.Layout(flex_flow="row wrap"))  # fmt: skip
        self.root = w.VBox([w.HTML(pages.STYLE), nav, filters, self.content, self.feedback_box])
        self.root.add_class("twb-app")
        self.show("overview")
        return self.root

    def show(self, page: str, theme: str | None = None) -> None:
        """Go to ``page``."""
        self.content.value = self.navigator.go(page, theme)
        for name, button in self.buttons.items():
            button.button_style = "info" if name == page else ""
        self.feedback_box.layout.display = "flex" if page == "theme" else "none"
        self.feedback_status.value = ""

    def _on_theme(self, change: dict) -> None:
        self.show("theme" if self.navigator.page != "map" else "map", change["new"])

    def _on_platform(self, change: dict) -> None:
        self.content.value = self.navigator.filter(change["new"] or None)

    def send_feedback(self) -> None:
        """Keep the feedback typed for the theme shown."""
        theme = self.bundle.theme(self.navigator.theme or "")
        try:
            feedback.save(self.folder, theme=theme["id"], theme_label=theme["label"],
                          text=self.feedback_text.value,
                          bundle_id=str(self.bundle.data.get("bundle_id", "")))  # fmt: skip
        except feedback.FeedbackError as exc:
            self.feedback_status.value = f'<p role="alert">{pages.esc(exc)}</p>'
            return
        self.feedback_text.value = ""
        self.feedback_status.value = (f'<p role="status">Thank you: your feedback on '
                                      f"“{pages.esc(theme['label'])}” was saved.</p>")


def show(folder: str | Path = ".") -> None:
    """Display the app for the bundle in ``folder``/bundle (what ``app.ipynb`` runs)."""
    from IPython.display import HTML, display

    try:
        app = App(folder)
    except BundleError as exc:
        display(HTML(f'<p role="alert">This app cannot show its findings: {pages.esc(exc)}</p>'))
        return
    display(app.widget())
