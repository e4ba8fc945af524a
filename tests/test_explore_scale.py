"""The cluster map at real size (issue 11): 50 clusters and 100,000 comments.

The map's helpers (:mod:`workbench.explore.mapview`) are checked on their own, then
the explore view is built for a stored run of 100,000 comments in 50 clusters with
a few far outliers (a synthetic run: the map, not the clustering, is under test).
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.install_support import require

require("ipywidgets")
require("plotly")

from workbench.explore import ExploreSession  # noqa: E402
from workbench.explore.mapview import (  # noqa: E402
    WEBGL_THRESHOLD,
    bulk_range,
    cluster_centres,
    distinct_colors,
    use_webgl,
)
from workbench.project import Project  # noqa: E402
from workbench.widgets.explore import OUTLIER_COLOR, ExploreView  # noqa: E402

N_COMMENTS = 100_000
N_CLUSTERS = 50


def _rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


# -- the helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 10, 24, 25, 50, 120])
def test_colours_never_repeat_and_are_not_grey(n: int) -> None:
    colors = distinct_colors(n)
    assert len(colors) == n == len(set(colors))
    for color in colors:
        r, g, b = _rgb(color) / 255
        _, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
        assert saturation > 0.3, f"{color} is too grey (outliers are grey)"
    assert OUTLIER_COLOR not in colors


def test_fifty_colours_are_told_apart() -> None:
    colors = np.array([_rgb(c) for c in distinct_colors(N_CLUSTERS)])
    distance = np.sqrt(((colors[:, None, :] - colors[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(distance, np.inf)
    assert distance.min() > 25, "no two clusters in (nearly) the same colour"


def test_the_default_view_is_on_the_bulk_not_the_outliers() -> None:
    rng = np.random.default_rng(0)
    values = np.r_[rng.normal(0, 1, 5000), [300.0, -250.0, 400.0]]
    low, high = bulk_range(values)
    assert -4 < low < -1.5 and 1.5 < high < 4
    assert bulk_range(np.linspace(0, 1, 500)) is None, "nothing far out: automatic range"
    assert bulk_range([1.0, 2.0]) is None
    low, high = bulk_range(values, include=[-10.0, 12.0])
    assert low < -10 and high > 12, "every cluster's centre stays in view"


def test_cluster_centres_leave_outliers_out() -> None:
    points = pd.DataFrame({"cluster": [0, 0, 0, 1, 1, -1], "x": [0, 1, 2, 10, 12, 99.0],
                           "y": [0, 0, 0, 5, 7, 99.0]})  # fmt: skip
    centres = cluster_centres(points).set_index("cluster")
    assert centres.index.tolist() == [0, 1]
    assert centres.loc[0, ["x", "y", "size"]].tolist() == [1, 0, 3]
    assert centres.loc[1, ["x", "y"]].tolist() == [11, 6]


def test_webgl_only_for_large_maps() -> None:
    assert not use_webgl(WEBGL_THRESHOLD) and use_webgl(WEBGL_THRESHOLD + 1)


# -- a stored run of 100,000 comments in 50 clusters ----------------------------------------


def _synthetic_project(folder: Path) -> Path:
    rng = np.random.default_rng(7)
    ids = [f"R-{n:06d}" for n in range(N_COMMENTS)]
    labels = rng.integers(0, N_CLUSTERS, N_COMMENTS)
    labels[rng.random(N_COMMENTS) < 0.1] = -1
    centres = rng.normal(0, 10, (N_CLUSTERS, 2))
    layout = centres[np.maximum(labels, 0)] + rng.normal(0, 0.8, (N_COMMENTS, 2))
    layout[:5] = [[900, 900], [-800, 50], [40, 700], [-600, -600], [1000, -20]]  # far away
    table = pd.DataFrame({"id": ids, "answer": [f"answer {n} about theme {c}"
                                                for n, c in enumerate(labels)]})  # fmt: skip
    csv = folder.parent / "answers.csv"
    table.to_csv(csv, index=False)
    from workbench.sources import ColumnMapping

    with Project.init(folder, actor="tests") as project:
        project.settings["detect_language"] = False
        project.import_files([csv], mapping=ColumnMapping(text_column="answer", id_column="id"))
        clusters = [
            {"cluster": c, "size": int((labels == c).sum()),
             "keywords": [[f"theme{c}", 0.3], ["answer", 0.1]],
             "exemplars": [f"csv:{ids[int(np.flatnonzero(labels == c)[0])]}"]}
            for c in [*range(N_CLUSTERS), -1]
        ]  # fmt: skip
        record = {
            "at": "2026-12-05T00:00:00Z", "actor": "tests", "model": "synthetic",
            "backend": "none", "input_hash": "synthetic", "reduction_key": "synthetic",
            "params": {"min_cluster_size": 5, "min_samples": 2, "seed": 0,
                       "non_substantive": {"included": False, "left_out": 0}},
            "versions": {}, "comments": N_COMMENTS, "clusters": N_CLUSTERS,
            "outliers": int((labels < 0).sum()), "seconds": 0.0, "timings": {},
        }  # fmt: skip
        project.store.add_run(record, [f"csv:{i}" for i in ids], labels,
                              np.ones(N_COMMENTS), layout, clusters, None, "tests")  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExploreView]:
    folder = _synthetic_project(tmp_path_factory.mktemp("big") / "survey")
    with Project.open(folder) as project:
        yield ExploreView(ExploreSession(project))


@pytest.mark.slow
def test_a_map_of_100000_comments_in_50_clusters(big: ExploreView) -> None:
    figure = big.figure
    assert len(big.session.points) == N_COMMENTS
    assert {trace.type for trace in figure.data} == {"scattergl"}, "WebGL at this size"
    assert figure.layout.showlegend is False, "no legend eating the plot"
    assert not any(trace.showlegend for trace in figure.data)
    colors = [t.marker.color for t, c in zip(figure.data, big.trace_clusters, strict=True)
              if c >= 0]  # fmt: skip
    assert len(colors) == N_CLUSTERS == len(set(colors)), "every cluster its own colour"
    numbers = sorted(int(a.text.strip("<b>/")) for a in figure.layout.annotations)
    assert numbers == list(range(N_CLUSTERS)), "each cluster's number on the map"
    low, high = figure.layout.xaxis.range
    assert -60 < low and high < 60, "the far points do not squash the main cloud"
    assert sum(len(t.x) for t in figure.data) == N_COMMENTS, "every point is still drawn"
    assert figure.layout.height >= 500
