"""The app's pages as HTML, functions of a bundle: shown by the app, saved as one file.

Plain language first (what was studied, how many comments, from where and when),
numbers in sentences and small tables, every chart with a table alternative.
"""

from __future__ import annotations

from typing import Any

from . import charts
from .bundle import Bundle, platform_name
from .charts import Bar, esc

STYLE = """
<style>
body.twb-file{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:1rem auto;
max-width:64rem;padding:0 1rem;color:#1a1a1a}
body.twb-file nav ul{columns:2 16rem;font-size:1rem}
.twb-page{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;
font-size:1.05rem;line-height:1.55;color:#1a1a1a;max-width:62rem}
.twb-page h1{font-size:1.8rem;margin:.2em 0 .4em}.twb-page h2{font-size:1.4rem;margin:1.2em 0 .4em}
.twb-page h3{font-size:1.15rem;margin:1em 0 .3em}
.twb-page p,.twb-page li{max-width:48rem}
.twb-chart{margin:.8em 0 1.4em;overflow-x:auto}.twb-chart figcaption{font-size:.95rem;color:#333}
.twb-table{border-collapse:collapse;margin:.5em 0}.twb-table th,.twb-table td{border:1px solid #999;
padding:.25em .6em;text-align:left}.twb-table caption{text-align:left;font-weight:600}
.twb-quote{border-left:4px solid #1f4e79;margin:.8em 0;padding:.3em 1em;background:#f4f7fa}
.twb-quote footer{font-size:.9rem;color:#333;margin-top:.3em}
.twb-badge{display:inline-block;border:1px solid #555;border-radius:3px;padding:0 .35em;
font-size:.85rem;margin-left:.4em}
.twb-note{background:#fff8e1;border:1px solid #d8b400;padding:.5em .8em;max-width:48rem}
.twb-page a{color:#0b4f8a}.twb-page :focus{outline:3px solid #d55e00;outline-offset:2px}
.widget-button:focus,.widget-dropdown select:focus,.widget-textarea textarea:focus{
outline:3px solid #d55e00!important;outline-offset:2px}
.widget-button{font-size:1rem!important;height:auto!important;min-height:2.2em}
@media print{details{display:none}}
</style>
"""


MONTHS = ("January February March April May June July August September October November "
          "December").split()  # fmt: skip


def _day(value: str | None) -> str:
    if not value:
        return "unknown"
    year, month, day = value[:10].split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


def month_name(period: str | None) -> str | None:
    """``"2026-03"`` (or any date in it) as ``"March 2026"``; None stays None."""
    if not period:
        return None
    year, month = period.split("-")[:2]
    return f"{MONTHS[int(month) - 1]} {year}"


_PLURALS = {"person": "people"}


def _count(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else _PLURALS.get(word, word + 's')}"


def _parent_label(bundle: Bundle, theme: dict[str, Any]) -> str:
    if not theme.get("parent"):
        return ""
    try:
        return bundle.theme(theme["parent"])["label"]
    except KeyError:
        return ""


def overview(bundle: Bundle) -> str:
    """What was studied: the comments, where and when they came from, the top themes."""
    data, ov = bundle.data, bundle.data["overview"]
    platforms = ov["platforms"]
    where = ", ".join(f"{platform_name(p['platform'])} ({p['comments']:,})" for p in platforms)
    top = bundle.themes[:5]
    parts = [
        f"<h1>{esc(data['title'])}</h1>",
        f"<p>{esc(data['summary'])}</p>" if data.get("summary") else "",
        "<h2>What was looked at</h2>",
        f"<p>{_count(ov['comments'], 'comment')} from {_count(ov['threads'], 'discussion')} "
        f"between {_day(ov['first'])} and {_day(ov['last'])}, written by about "
        f"{_count(ov['authors'], 'person')} (people are counted by their account; nobody is "
        f"named here). They came from: {esc(where)}.</p>",
        f"<p>The research team read and coded {_count(ov['coded'], 'comment')} with "
        f"{_count(len(bundle.themes), 'theme')}.</p>",
        charts.bar_chart([Bar(platform_name(p["platform"]), p["comments"]) for p in platforms],
                         title="Comments by platform", chart_id="ov-platforms"),
        charts.column_chart([(p["key"], p["comments"]) for p in ov["periods"]],
                            title=f"Comments by {ov['period_unit']}", chart_id="ov-periods"),
        "<h2>The themes people raised most</h2><ol>"
        + "".join(f"<li><strong>{esc(t['label'])}</strong>: raised by "
                  f"{_count(t['authors'], 'person')} in {_count(t['comments'], 'comment')}</li>"
                  for t in top) + "</ol>",  # fmt: skip
        _privacy_note(bundle),
    ]
    return _page(parts)


def _privacy_note(bundle: Bundle) -> str:
    hidden = bundle.data.get("hidden_themes", 0)
    extra = (f" {_count(hidden, 'theme')} raised by fewer than {bundle.data['min_authors']} "
             "people are not shown, so that nobody can be picked out." if hidden else "")
    return ('<p class="twb-note">Everyone is anonymous here: names, usernames, email '
            "addresses, phone numbers and web links have been removed from the quotes, and "
            f"counts of fewer than {bundle.data['min_authors']} people are not given.{extra}</p>")


def theme_ranking(bundle: Bundle, platform: str | None = None) -> str:
    """The themes ranked by how many people raised them (on one platform, when given)."""
    bars, where = [], ""
    if platform is None:
        bars = [Bar(t["label"], t["authors"], f"{t['comments']:,} comments")
                for t in bundle.themes]  # fmt: skip
    else:
        where = f" on {platform_name(platform)}"
        for theme in bundle.themes:
            cell = _cell(bundle, theme["id"], "platform", platform)
            if cell is not None:
                bars.append(Bar(theme["label"], cell["authors"]))
        bars.sort(key=lambda b: -1 if b.value is None else b.value, reverse=True)
    chart = charts.bar_chart(bars, title=f"Themes by the number of people who raised them{where}",
                             unit="people", chart_id="ranking",
                             suppressed_as=bundle.suppressed_as)  # fmt: skip
    rows = "".join(
        f"<tr><th scope='row'>{esc(t['label'])}</th><td>{esc(_parent_label(bundle, t))}</td>"
        f"<td>{t['authors']:,}</td><td>{t['comments']:,}</td></tr>"
        for t in bundle.themes
    )  # fmt: skip
    return _page([
        f"<h1>Themes{esc(where)}</h1>",
        "<p>Each theme is something several people raised. Choose a theme to read what it "
        "means, how it changed over time and what people said.</p>", chart,
        "<h2>All themes</h2><table class='twb-table'><thead><tr><th scope='col'>Theme</th>"
        "<th scope='col'>Part of</th><th scope='col'>People</th><th scope='col'>Comments</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>",
    ])  # fmt: skip


def _cell(bundle: Bundle, code_id: str, dimension: str, key: str) -> dict[str, Any] | None:
    for cell in bundle.data["breakdown"].get(code_id, {}).get(dimension, []):
        if cell["key"] == key:
            return cell
    return None


def theme_page(bundle: Bundle, code_id: str, platform: str | None = None, *,
               prefix: str = "theme") -> str:  # fmt: skip
    """One theme: definition, trend, platforms, co-occurring themes, quotes.

    ``prefix`` keeps the charts' ids unique when several theme pages share a page.
    """
    theme = bundle.theme(code_id)
    cells = bundle.data["breakdown"].get(code_id, {})
    parent = _parent_label(bundle, theme)
    trend = [(c["key"], c["authors"]) for c in cells.get("period", [])]
    by_platform = [Bar(platform_name(c["key"]), c["authors"]) for c in cells.get("platform", [])]
    together = []
    for pair in bundle.data["cooccurrence"]:
        if code_id in (pair["a"], pair["b"]):
            other = pair["b"] if pair["a"] == code_id else pair["a"]
            try:
                together.append(Bar(bundle.theme(other)["label"], pair["comments"]))
            except KeyError:
                continue
    quotes = bundle.quotes(code_id, platform)
    where = f" from {platform_name(platform)}" if platform else ""
    parts = [
        f"<h1>{esc(theme['label'])}</h1>",
        f"<p>Part of <strong>{esc(parent)}</strong>.</p>" if parent else "",
        f"<p><strong>What it means:</strong> {esc(theme['definition'] or 'no definition given')}"
        "</p>",
        f"<p>Raised by {_count(theme['authors'], 'person')} in "
        f"{_count(theme['comments'], 'comment')}.</p>",
        charts.column_chart(trend, title=f"People raising this theme each "
                            f"{bundle.data['overview']['period_unit']}", unit="people",
                            chart_id=f"{prefix}-trend", suppressed_as=bundle.suppressed_as),
        charts.bar_chart(by_platform, title="People raising this theme, by platform",
                         unit="people", chart_id=f"{prefix}-platforms",
                         suppressed_as=bundle.suppressed_as),
        "<h2>Themes raised in the same comments</h2>",
        charts.bar_chart(together[:6], title="Comments that also raise another theme",
                         chart_id=f"{prefix}-together") if together
        else "<p>No other theme came up often enough in the same comments to show.</p>",
        f"<h2>What people said{esc(where)}</h2>", _quotes(quotes),
    ]  # fmt: skip
    return _page(parts)


def _quotes(quotes: list[dict[str, Any]]) -> str:
    if not quotes:
        return "<p>No quotes from here were approved for publishing.</p>"
    badges = {"verbatim": "as written", "redacted": "details removed",
              "edited": "shortened or edited by the research team"}  # fmt: skip
    out = []
    for q in quotes:
        when = f", {esc(q['period'])}" if q.get("period") else ""
        out.append(
            f'<blockquote class="twb-quote"><p>{esc(q["text"])}</p><footer>'
            f"{esc(q['contributor'])}, {esc(platform_name(q['platform']))}{when}"
            f'<span class="twb-badge">{esc(badges.get(q["status"], q["status"]))}</span>'
            "</footer></blockquote>"
        )  # fmt: skip
    return "".join(out)


def map_page(bundle: Bundle, highlight: str | None = None) -> str:
    """The map of comments coloured by theme (top-level themes only)."""
    layout = bundle.data["map"]
    if not layout or not layout.get("points"):
        return _page(["<h1>Map of comments</h1><p>No map was made for these findings.</p>"])
    legend_ids = layout["themes"]
    labels = [_label(bundle, code) for code in legend_ids]
    index = legend_ids.index(highlight) if highlight in legend_ids else None
    return _page([
        "<h1>Map of comments</h1>",
        "<p>Each dot is a comment. Comments that say similar things sit close together; the "
        "colour is the main theme the research team gave it (grey: not coded, or a theme too "
        "small to show). The map is a picture of the whole conversation, not a measurement: "
        "distances between far-apart groups mean little.</p>",
        charts.scatter_map([tuple(p) for p in layout["points"]], labels,
                           title="Map of comments coloured by theme", highlight=index,
                           counts=layout.get("counts")),
    ])  # fmt: skip


def _label(bundle: Bundle, code_id: str) -> str:
    try:
        return bundle.theme(code_id)["label"]
    except KeyError:
        return code_id


def methods_page(bundle: Bundle) -> str:
    """How the findings were made, for readers who want to judge them."""
    m = bundle.data["methods"]
    cb = m["codebook"]
    sources = [(platform_name(s["platform"]), f"{s['comments']:,}", f"{s['threads']:,}",
                f"{_day(s['first'])} to {_day(s['last'])}") for s in m["sources"]]  # fmt: skip
    parts = [
        "<h1>How this was done</h1>",
        "<h2>The comments</h2>",
        charts.table(["Platform", "Comments", "Discussions", "Dates"], sources),
        "<p>Comments were exported from each platform and imported into a private project. "
        "Usernames were replaced by codes at import and never leave the project.</p>",
        "<h2>Coding</h2>",
        f"<p>{_count(m['coders'], 'researcher')} coded the comments with the codebook "
        f"<em>{esc(cb['title'])}</em>, version {cb['version']}. The final coding of a comment is "
        f"{esc(m['final_coding'])}.</p>",
        _agreement(bundle),
        _changes(cb["changes"]),
        "<h2>Map and quotes</h2>",
        _clustering(m.get("clustering")),
        f"<p>Quotes were chosen to be typical of each theme (close to the theme's centre in "
        f"meaning) and to come from different people and discussions, then read and approved "
        f"by the research team. {esc(m['scrubbing'])}</p>",
        "<h2>Privacy</h2>",
        f"<p>Themes raised by fewer than {bundle.data['min_authors']} people, and counts of "
        f"fewer than {bundle.data['min_authors']} people, are not shown. "
        f"{_count(bundle.data.get('hidden_themes', 0), 'theme')} were held back for this "
        "reason.</p>",
        "<h2>Records</h2>",
        charts.table(["Input", "SHA-256"], [("Codebook", cb["sha256"])]
                     + [(f"Export {i + 1} ({s['format']}, {s['rows']:,} records)", s["sha256"])
                        for i, s in enumerate(m["imports"])]),
        f"<p>Made with Thread Workbench {esc(m['workbench_version'])} on "
        f"{_day(m['generated_at'])}.</p>",
    ]  # fmt: skip
    return _page(parts)


def _agreement(bundle: Bundle) -> str:
    agreement = bundle.data.get("agreement")
    if not agreement:
        return "<p>Agreement between coders was not measured (one coder).</p>"
    overall = agreement["overall"]
    return (f"<p>Where two or more researchers coded the same comments, they agreed on "
            f"{overall['percent_agreement']:.1f} % of decisions (Krippendorff's alpha "
            f"{overall['alpha']:.2f}, 95 % interval {overall['alpha_low']:.2f} to "
            f"{overall['alpha_high']:.2f}; {_count(agreement['comments'], 'comment')} coded by "
            f"{agreement['coders']} researchers). Alpha of 0.8 or more is usually read as "
            "good agreement.</p>")  # fmt: skip


def _changes(changes: list[dict[str, Any]]) -> str:
    if not changes:
        return ""
    rows = [(c["version"], _day(c["date"]), c["operation"], c.get("rationale") or "")
            for c in changes]  # fmt: skip
    return ("<h3>How the codebook changed</h3>"
            + charts.table(["Version", "Date", "Change", "Why"], rows))  # fmt: skip


def _clustering(run: dict[str, Any] | None) -> str:
    if not run:
        return "<p>No map was made.</p>"
    params = run["params"]
    return (f"<p>The map places comments by meaning, using the sentence-embedding model "
            f"{esc(run['model'])}, laid out with UMAP ({params.get('n_neighbors')} neighbours) "
            f"and grouped with HDBSCAN (smallest group {params.get('min_cluster_size')}); "
            f"run {run['run_id']}, input hash {esc(run['input_hash'])}.</p>")  # fmt: skip


def _page(parts: list[str]) -> str:
    return '<div class="twb-page">' + "".join(parts) + "</div>"


def static_document(bundle: Bundle) -> str:
    """Every page in one self-contained HTML file (no scripts, nothing fetched)."""
    sections = [("overview", "Overview", overview(bundle)),
                ("themes", "Themes", theme_ranking(bundle))]  # fmt: skip
    for i, theme in enumerate(bundle.themes):
        sections.append((f"theme-{i + 1}", theme["label"],
                         theme_page(bundle, theme["id"], prefix=f"t{i + 1}")))
    sections += [("map", "Map of comments", map_page(bundle)),
                 ("methods", "How this was done", methods_page(bundle))]  # fmt: skip
    nav = "".join(f'<li><a href="#{sid}">{esc(name)}</a></li>' for sid, name, _ in sections)
    body = "".join(f'<section id="{sid}" aria-label="{esc(name)}">{html}</section><hr>'
                   for sid, name, html in sections)  # fmt: skip
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(bundle.data['title'])}</title>{STYLE}</head><body class='twb-file'>"
            "<a href='#main' class='twb-skip'>Skip to the findings</a>"
            f"<nav aria-label='Pages'><ul>{nav}</ul></nav><main id='main'>{body}</main>"
            "</body></html>")  # fmt: skip
