"""Charts as accessible inline SVG: functions of data, the same in notebooks, app and file.

No JavaScript and nothing fetched: each chart is a ``<figure>`` holding an ``<svg
role="img">`` with a title and a description, a ``<title>`` on every mark (the
tooltip a mouse user sees), and a ``<details>`` table of the same figures as its
text alternative. The SVG scales with the page (``viewBox``), so it stays sharp
and readable at 200 % zoom. Standard library only: the published app imports this
module, and its kernel must stay small.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

#: Bars and lines: dark blue (7.6:1 on white); suppressed cells: grey hatching.
INK = "#1f4e79"
MUTED = "#6b6b6b"
#: Okabe-Ito: distinct for the common colour-vision deficiencies; grey for "other".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D00",
           "#000000")  # fmt: skip
OTHER = "#BBBBBB"
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"


def esc(text: object) -> str:
    """``text`` escaped for HTML and SVG."""
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (None: suppressed) and what its tooltip says."""

    label: str
    value: int | None
    note: str = ""


def _figure(svg: str, caption: str, table: str) -> str:
    return (f'<figure class="twb-chart">{svg}<figcaption>{esc(caption)}</figcaption>'
            f"<details><summary>Show these figures as a table</summary>{table}</details>"
            "</figure>")  # fmt: skip


def _svg_open(width: int, height: int, title: str, description: str, chart_id: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
            f'style="max-width:{width}px;height:auto;{FONT}">'
            f'<title id="{chart_id}-t">{esc(title)}</title>'
            f'<desc id="{chart_id}-d">{esc(description)}</desc>')  # fmt: skip


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str = "") -> str:
    """A plain HTML table (the text alternative of a chart)."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<th scope="row">{esc(r[0])}</th>' if i == 0 else f"<td>{esc(v)}</td>"
                         for i, v in enumerate(r)) + "</tr>"
        for r in rows
    )  # fmt: skip
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<table class="twb-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _shown(value: int | None, suppressed_as: str) -> str:
    return suppressed_as if value is None else f"{value:,}"


def bar_chart(bars: Sequence[Bar], *, title: str, unit: str = "comments",
              chart_id: str = "bars", suppressed_as: str = "fewer than 5") -> str:  # fmt: skip
    """Horizontal bars, largest first as given; a suppressed bar is drawn as a hatched stub.

    Parameters
    ----------
    bars : sequence of Bar
        The bars, top to bottom.
    title : str
        What the chart shows (its accessible name and caption).
    unit : str
        What the values count.
    chart_id : str
        A prefix unique in the page (for ARIA references).
    suppressed_as : str
        How a suppressed value is written.
    """
    if not bars:
        return f'<p class="twb-empty">{esc(title)}: nothing to show.</p>'
    label_w, bar_w, row_h, pad = 300, 380, 30, 8
    width, height = label_w + bar_w + 90, len(bars) * row_h + 2 * pad
    top = max([b.value or 0 for b in bars] + [1])
    parts = [_svg_open(width, height, title, f"Bar chart of {unit}: " + "; ".join(
        f"{b.label}: {_shown(b.value, suppressed_as)}" for b in bars), chart_id),
        f'<pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="2"/></pattern>']
    for i, bar in enumerate(bars):
        y = pad + i * row_h
        label = bar.label if len(bar.label) <= 42 else bar.label[:40] + "…"
        shown = _shown(bar.value, suppressed_as)
        tip = esc(f"{bar.label}: {shown} {unit}" + (f" ({bar.note})" if bar.note else ""))
        parts.append(f'<text x="{label_w - 8}" y="{y + row_h / 2 + 5}" text-anchor="end" '
                     f'font-size="14" fill="#1a1a1a">{esc(label)}</text>')  # fmt: skip
        if bar.value is None:
            parts.append(f'<rect class="twb-mark twb-suppressed" x="{label_w}" y="{y + 4}" '
                         f'width="24" height="{row_h - 8}" fill="url(#{chart_id}-hatch)" '
                         f'stroke="{MUTED}"><title>{tip}</title></rect>')  # fmt: skip
            end = label_w + 24
        else:
            w = max(2.0, bar.value / top * bar_w)
            parts.append(f'<rect class="twb-mark" x="{label_w}" y="{y + 4}" width="{w:.1f}" '
                         f'height="{row_h - 8}" fill="{INK}"><title>{tip}</title></rect>')
            end = label_w + w
        parts.append(f'<text x="{end + 6:.1f}" y="{y + row_h / 2 + 5}" font-size="13" '
                     f'fill="#1a1a1a">{esc(shown)}</text>')  # fmt: skip
    parts.append("</svg>")
    rows = [(b.label, _shown(b.value, suppressed_as)) for b in bars]
    return _figure("".join(parts), title, table(["", unit.capitalize()], rows))


def column_chart(points: Sequence[tuple[str, int | None]], *, title: str,
                 unit: str = "comments", chart_id: str = "columns",
                 suppressed_as: str = "fewer than 5") -> str:  # fmt: skip
    """Vertical columns over time (periods in order); suppressed periods are hatched stubs."""
    if not points:
        return f'<p class="twb-empty">{esc(title)}: nothing to show.</p>'
    left, bottom, plot_h, pad = 50, 60, 220, 12
    step = max(18, min(60, 640 // max(1, len(points))))
    width, height = left + step * len(points) + pad, plot_h + bottom + pad
    top = max([v or 0 for _, v in points] + [1])
    parts = [_svg_open(width, height, title, f"Column chart of {unit} by period: " + "; ".join(
        f"{k}: {_shown(v, suppressed_as)}" for k, v in points), chart_id),
        f'<line x1="{left}" y1="{pad + plot_h}" x2="{width - pad}" y2="{pad + plot_h}" '
        f'stroke="#1a1a1a"/>',
        f'<text x="{left - 6}" y="{pad + 10}" text-anchor="end" font-size="12">{top:,}</text>',
        f'<text x="{left - 6}" y="{pad + plot_h}" text-anchor="end" font-size="12">0</text>']
    label_every = max(1, len(points) // 12)
    for i, (key, value) in enumerate(points):
        x = left + i * step + 3
        shown = _shown(value, suppressed_as)
        tip = esc(f"{key}: {shown} {unit}")
        if value is None:
            parts.append(f'<rect class="twb-mark twb-suppressed" x="{x}" y="{pad + plot_h - 10}" '
                         f'width="{step - 6}" height="10" fill="#eeeeee" stroke="{MUTED}" '
                         f'stroke-dasharray="3 2"><title>{tip}</title></rect>')  # fmt: skip
        else:
            h = max(1.0, value / top * plot_h) if value else 0.0
            parts.append(f'<rect class="twb-mark" x="{x}" y="{pad + plot_h - h:.1f}" '
                         f'width="{step - 6}" height="{h:.1f}" fill="{INK}">'
                         f"<title>{tip}</title></rect>")  # fmt: skip
        if i % label_every == 0:
            cx, cy = x + (step - 6) / 2, pad + plot_h + 14
            parts.append(f'<text x="{cx:.1f}" y="{cy}" font-size="11" text-anchor="end" '
                         f'transform="rotate(-45 {cx:.1f} {cy})">{esc(key)}</text>')
    parts.append("</svg>")
    rows = [(k, _shown(v, suppressed_as)) for k, v in points]
    return _figure("".join(parts), title, table(["Period", unit.capitalize()], rows))


def scatter_map(points: Sequence[tuple[float, float, int | None]], legend: Sequence[str], *,
                title: str, chart_id: str = "map", highlight: int | None = None,
                counts: Sequence[int] | None = None) -> str:  # fmt: skip
    """A map of comments (2-D layout), each dot coloured by its theme.

    Parameters
    ----------
    points : sequence of (x, y, theme index or None)
        The layout; a theme index points into ``legend``.
    legend : sequence of str
        Theme names; colours follow :data:`PALETTE` (themes past it are grey).
    title : str
        What the map shows.
    chart_id : str
        A prefix unique in the page.
    highlight : int, optional
        Draw only this theme in colour (the rest grey).
    counts : sequence of int, optional
        Dots per legend entry (for the text alternative); counted when absent.
    """
    if not points:
        return f'<p class="twb-empty">{esc(title)}: nothing to show.</p>'
    size, pad, legend_w = 520, 14, 260
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, y0, y1 = _bulk(xs), _bulk(xs, upper=True), _bulk(ys), _bulk(ys, upper=True)
    span_x, span_y = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    if counts is None:
        counts = [sum(1 for p in points if p[2] == i) for i in range(len(legend))]
    uncoded = sum(1 for p in points if p[2] is None)

    def colour(index: int | None) -> str:
        if index is None or index >= len(PALETTE) or (highlight is not None and index != highlight):
            return OTHER
        return PALETTE[index]

    description = (f"Map of {len(points):,} comments; comments that say similar things are "
                   "close together. " + "; ".join(f"{name}: {n:,} comments"
                                                  for name, n in zip(legend, counts, strict=True))
                   + f"; not coded: {uncoded:,}.")  # fmt: skip
    parts = [_svg_open(size + legend_w, size, title, description, chart_id)]
    ordered = sorted(points, key=lambda p: (p[2] is not None and (highlight is None
                                                                 or p[2] == highlight)))
    for x, y, index in ordered:
        cx = pad + min(max((x - x0) / span_x, 0.0), 1.0) * (size - 2 * pad)
        cy = size - pad - min(max((y - y0) / span_y, 0.0), 1.0) * (size - 2 * pad)
        parts.append(f'<circle class="twb-mark" cx="{cx:.1f}" cy="{cy:.1f}" r="3.2" '
                     f'fill="{colour(index)}" fill-opacity="0.85"/>')
    for i, name in enumerate([*legend, "not coded"]):
        y = pad + 10 + i * 24
        fill = OTHER if i == len(legend) else colour(i)
        short = name if len(name) <= 28 else name[:26] + "…"
        parts.append(f'<rect x="{size + 10}" y="{y - 10}" width="14" height="14" fill="{fill}"/>'
                     f'<text x="{size + 30}" y="{y + 2}" font-size="13">{esc(short)}</text>')
    parts.append("</svg>")
    rows = [*((n, f"{c:,}") for n, c in zip(legend, counts, strict=True)),
            ("not coded", f"{uncoded:,}")]  # fmt: skip
    return _figure("".join(parts), title, table(["Theme", "Comments"], rows))


def _bulk(values: Sequence[float], upper: bool = False) -> float:
    """The 1st (or 99th) percentile: a few outlying dots do not squash the rest."""
    ordered = sorted(values)
    index = int(round((len(ordered) - 1) * (0.99 if upper else 0.01)))
    return ordered[index]
