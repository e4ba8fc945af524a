"""The app's code: charts as accessible SVG, bundle checks, pages and navigation."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workbench.viewer import charts, pages
from workbench.viewer.app import Navigator
from workbench.viewer.bundle import BundleError, load


def _svg(html: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))


def test_bar_chart_is_accessible_and_draws_a_mark_per_bar() -> None:
    html = charts.bar_chart([charts.Bar("Waiting <times>", 12), charts.Bar("Parking", None)],
                            title="People per theme", unit="people", chart_id="t")
    svg = _svg(html)
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "t-t t-d"
    assert svg.find(f"{ns}title").text == "People per theme"
    assert "Waiting <times>: 12" in svg.find(f"{ns}desc").text
    marks = [r for r in svg.iter(f"{ns}rect") if "twb-mark" in (r.get("class") or "")]
    assert len(marks) == 2 and "twb-suppressed" in marks[1].get("class")
    assert "fewer than 5" in html and "<table" in html and "&lt;times&gt;" in html


def test_column_chart_and_map_and_empty_charts() -> None:
    html = charts.column_chart([("2026-03-02", 4), ("2026-03-09", None), ("2026-03-16", 0)],
                               title="Trend", chart_id="c")  # fmt: skip
    assert len([r for r in _svg(html).iter() if "twb-mark" in (r.get("class") or "")]) == 3
    points = [(float(i), float(i % 7), i % 3 if i % 4 else None) for i in range(200)]
    points.append((1e6, 1e6, 0))  # an outlier does not squash the rest
    html = charts.scatter_map(points, ["A", "B", "C"], title="Map", chart_id="m")
    circles = [c for c in _svg(html).iter("{http://www.w3.org/2000/svg}circle")]
    assert len(circles) == 201
    xs = sorted(float(c.get("cx")) for c in circles)
    assert xs[150] - xs[50] > 200  # the bulk spans the plot; the outlier sits at the edge
    assert "not coded" in html
    for empty in (charts.bar_chart([], title="Nothing"), charts.column_chart([], title="Nothing"),
                  charts.scatter_map([], [], title="Nothing")):  # fmt: skip
        assert "nothing to show" in empty


def test_bundle_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"findings.json: no findings bundle"):
        load(tmp_path)
    (tmp_path / "findings.json").write_text("{not json")
    with pytest.raises(BundleError, match="cannot be read"):
        load(tmp_path)
    (tmp_path / "findings.json").write_text(json.dumps({"format": "thread-workbench-findings",
                                                        "format_version": 99}))
    with pytest.raises(BundleError, match="format 99"):
        load(tmp_path)
    (tmp_path / "findings.json").write_text(json.dumps({"format": "thread-workbench-findings",
                                                        "format_version": 1}))
    with pytest.raises(BundleError, match="lacks title"):
        load(tmp_path)


def test_navigation_and_the_static_file(published_app: Path) -> None:
    bundle = load(published_app / "bundle")
    nav = Navigator(bundle)
    assert "What people said" in nav.html()
    theme = bundle.themes[0]
    assert theme["label"] in nav.go("theme", theme["id"])
    nav.filter("reddit")
    assert "Themes on Reddit" in nav.go("themes")
    with pytest.raises(ValueError, match="unknown page"):
        nav.go("admin")
    with pytest.raises(ValueError, match="unknown platform"):
        nav.filter("myspace")
    with pytest.raises(KeyError):
        nav.go("theme", "no.such.theme")
    static = (published_app / "static.html").read_text()
    assert "<script" not in static.lower()
    assert not re.search(r"""(?:src|href|url)\s*[=(]\s*["']?https?:""", static)  # nothing fetched
    ids = re.findall(r'\sid="([^"]+)"', static)
    assert len(ids) == len(set(ids)), "ids repeat in the static file"
    for ref in re.findall(r'aria-labelledby="([^"]+)"', static):
        for one in ref.split():
            assert f'id="{one}"' in static
    assert static.count('<section id="theme-') == len(bundle.themes)
    assert pages.methods_page(bundle).count("<table") >= 2
