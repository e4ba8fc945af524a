"""How well suggestions learned from a few coded examples agree with analysts' coding.

Data: ``../shared/fixtures/csv/care_opinion_co.csv`` (Care Opinion patient feedback,
each fragment coded by NHS analysts with one ``label`` theme), imported into a
project (cached in ``benchmarks/results/suggest-project``) and embedded with the
packaged all-MiniLM-L6-v2 (float32 reference backend).

Task: the ``label`` themes with at least 30 fragments (7). For each k and draw, k
fragments per theme are "coded" (at most all but 10 of a theme's fragments, so
every theme keeps some to find); every other fragment of those themes is scored.

Methods, all trained on the same coded fragments:

* ``tfidf+lr``: TF-IDF + scikit-learn ``LogisticRegression()`` (defaults).
* ``emb+lr``: ``LogisticRegression()`` on the same cached embeddings.
* ``workbench``: :class:`workbench.suggest.CodeScorer` as the app uses it, with a
  benchmark codebook whose codes are the theme names and nothing else (no
  definitions written for the benchmark), the uncoded fragments as its pool.
* ablations of ``workbench``: without the descriptions, without the prevalence
  correction, and forced to one model per code (as when codes co-occur).

References (not methods): ``chance`` (random scores) and ``true shares`` (every
fragment gets the themes ranked by their true share among the scored fragments:
it uses the answers, and shows how much of LRAP is knowing which theme is common).

Metrics against the analysts' labels: LRAP (scikit-learn
``label_ranking_average_precision_score``), class-balanced LRAP (the same with
each fragment weighted by 1 / its theme's count, so every theme counts alike),
macro-F1 of the top-scored theme, and per theme the precision of its 20
top-scored fragments (P@20; averaged over themes, and per theme at k = 20).

Also measured: the time of a :meth:`workbench.suggest.Suggester.refresh` on the
project after one more coding (the app's retraining), and an active-learning run
(start at k = 5, then 15 rounds of 7 more comments chosen by
``CodeScorer.uncertainty`` or at random, the analysts' labels answering).

Usage: ``python benchmarks/bench_suggest.py [--draws 10] [--ks 5,20,50]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import cpu_line  # noqa: E402 - benchmarks/machine.py

CSV = ROOT.parent / "shared" / "fixtures" / "csv" / "care_opinion_co.csv"
RESULTS = ROOT / "benchmarks" / "results"
MIN_FRAGMENTS = 30
HOLD_BACK = 10
TOP = 20



def build_project(folder: Path):
    """The CSV as a project, embedded (cached between runs)."""
    from workbench.embed import embed_comments, encoder_for
    from workbench.project import Project
    from workbench.sources import ColumnMapping

    if not (folder / "workbench.yaml").exists():
        shutil.rmtree(folder, ignore_errors=True)
        with Project.init(folder, actor="bench") as project:
            project.import_files([CSV], format="csv", mapping=ColumnMapping(
                text_column="feedback", id_column="row_index"))  # fmt: skip
    project = Project.open(folder)
    encoder = encoder_for(project, backend="torch")
    embedded = embed_comments(project, encoder=encoder, progress=sys.stderr.isatty())
    return project, encoder, embedded


def load(folder: Path):
    from workbench.codebook.model import Code
    from workbench.coding.suggest import unit_rows
    from workbench.suggest.inputs import description_vectors

    project, encoder, embedded = build_project(folder)
    frame = pd.read_csv(CSV)
    rows = [int(c.split(":", 1)[1]) for c in embedded.comment_ids]
    labels = frame.set_index("row_index").loc[rows, "label"].to_numpy()
    counts = pd.Series(labels).value_counts()
    themes = sorted(counts[counts >= MIN_FRAGMENTS].index)
    codes = [Code(id=_slug(t), label=t) for t in themes]
    descriptions = description_vectors(project, codes, encoder)
    return {"project": project, "encoder": encoder, "ids": embedded.comment_ids,
            "texts": embedded.texts, "X": unit_rows(embedded.vectors), "labels": labels,
            "themes": themes, "codes": codes, "descriptions": descriptions,
            "counts": counts}  # fmt: skip


def _slug(theme: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in theme.lower()).strip("-").replace(
        "--", "-")  # fmt: skip


def draws(data: dict, k: int, n: int):
    """``(draw, coded indices, their theme numbers)`` for ``n`` seeded draws."""
    themes, labels = data["themes"], data["labels"]
    for draw in range(n):
        rng = np.random.default_rng(1000 * k + draw)
        coded = []
        for theme in themes:
            members = np.flatnonzero(labels == theme)
            coded.extend(rng.choice(members, min(k, len(members) - HOLD_BACK), replace=False))
        coded = np.array(coded)
        yield draw, coded, np.array([themes.index(v) for v in labels[coded]])


# -- methods: (data, coded, targets, scored, pool) -> scores (len(scored), themes) ---------


def tfidf_lr(data, coded, targets, scored, pool):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = data["texts"]
    vectorizer = TfidfVectorizer()
    train = vectorizer.fit_transform([texts[i] for i in coded])
    model = LogisticRegression().fit(train, targets)
    return model.predict_proba(vectorizer.transform([texts[i] for i in scored]))


def emb_lr(data, coded, targets, scored, pool):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression().fit(data["X"][coded], targets).predict_proba(data["X"][scored])


def workbench(**params):
    def method(data, coded, targets, scored, pool):
        from workbench.suggest import CodeScorer

        m = len(data["themes"])
        labels = np.eye(m, dtype=bool)[targets]
        scorer = CodeScorer(**params).fit(data["X"][coded], labels, data["descriptions"],
                                          data["X"][pool])  # fmt: skip
        return scorer.predict(data["X"][scored])

    return method


METHODS = {
    "tfidf+lr": tfidf_lr,
    "emb+lr": emb_lr,
    "workbench": workbench(),
    "workbench, no descriptions": workbench(description_weight=0.0),
    "workbench, no prevalence": workbench(prevalence=False),
    "workbench, one model per code": workbench(exclusive=False),
}
BASELINES = ("tfidf+lr", "emb+lr")


# -- metrics ------------------------------------------------------------------------------------


def metrics(scores: np.ndarray, truth: np.ndarray) -> dict:
    from sklearn.metrics import f1_score, label_ranking_average_precision_score

    m = scores.shape[1]
    onehot = np.eye(m)[truth]
    weight = 1.0 / np.bincount(truth, minlength=m)[truth]
    precision = []
    for j in range(m):
        top = np.argsort(-scores[:, j], kind="stable")[:TOP]
        precision.append(float((truth[top] == j).mean()))
    return {
        "lrap": float(label_ranking_average_precision_score(onehot, scores)),
        "balanced_lrap": float(label_ranking_average_precision_score(onehot, scores,
                                                                     sample_weight=weight)),
        "macro_f1": float(f1_score(truth, scores.argmax(axis=1), average="macro",
                                   labels=list(range(m)))),
        "p_at_20": float(np.mean(precision)),
        "p_at_20_per_code": precision,
    }  # fmt: skip


def evaluate(data: dict, ks: list[int], n_draws: int) -> dict:
    themes, labels = data["themes"], data["labels"]
    in_task = np.flatnonzero(np.isin(labels, themes))
    everything = np.arange(len(labels))
    results: dict = {}
    for k in ks:
        per: dict[str, list] = {name: [] for name in [*METHODS, "chance", "true shares"]}
        seconds: dict[str, float] = dict.fromkeys(METHODS, 0.0)
        for draw, coded, targets in draws(data, k, n_draws):
            scored = np.setdiff1d(in_task, coded)
            pool = np.setdiff1d(everything, coded)
            truth = np.array([themes.index(v) for v in labels[scored]])
            for name, method in METHODS.items():
                start = time.perf_counter()
                scores = method(data, coded, targets, scored, pool)
                seconds[name] += time.perf_counter() - start
                per[name].append(metrics(scores, truth))
            rng = np.random.default_rng(draw)
            per["chance"].append(metrics(rng.random((len(scored), len(themes))), truth))
            shares = np.bincount(truth, minlength=len(themes)) / len(truth)
            per["true shares"].append(metrics(
                np.tile(shares, (len(scored), 1)) + 1e-9 * rng.random((len(scored), len(themes))),
                truth))  # fmt: skip
        results[k] = {name: _summary(rows) | ({"fit_and_score_ms": round(
            1000 * seconds[name] / n_draws, 1)} if name in seconds else {})
            for name, rows in per.items()}  # fmt: skip
        _print_k(k, results[k], themes)
    return results


def _summary(rows: list[dict]) -> dict:
    out = {}
    for key in ("lrap", "balanced_lrap", "macro_f1", "p_at_20"):
        values = np.array([r[key] for r in rows])
        out[key] = round(float(values.mean()), 4)
        out[key + "_sd"] = round(float(values.std()), 4)
        out[key + "_min"] = round(float(values.min()), 4)
    out["p_at_20_per_code"] = [round(float(v), 3) for v in
                               np.mean([r["p_at_20_per_code"] for r in rows], axis=0)]
    return out


def _print_k(k: int, result: dict, themes: list[str]) -> None:
    print(f"\nk = {k} coded fragments per theme ({len(themes)} themes)")
    print(f"  {'method':32} {'LRAP':>13} {'min':>6} {'bal. LRAP':>10} {'macro-F1':>9} "
          f"{'P@20':>6} {'ms':>7}")
    for name, r in result.items():
        ms = r.get("fit_and_score_ms", "")
        print(f"  {name:32} {r['lrap']:.3f} ± {r['lrap_sd']:.3f} {r['lrap_min']:6.3f} "
              f"{r['balanced_lrap']:10.3f} {r['macro_f1']:9.3f} {r['p_at_20']:6.3f} {ms:>7}")
    ours = result["workbench"]["lrap"]
    print("  LRAP ratio workbench / baseline: " + ", ".join(
        f"{b} {ours / result[b]['lrap']:.3f}" for b in BASELINES), flush=True)  # fmt: skip


# -- active learning and the app's refresh --------------------------------------------------


def active_learning(data: dict, n_draws: int, rounds: int = 15, batch: int = 7) -> dict:
    from workbench.suggest import CodeScorer

    themes, labels, X = data["themes"], data["labels"], data["X"]
    in_task = np.flatnonzero(np.isin(labels, themes))
    out = {}
    for strategy in ("random", "uncertainty", "weighted"):
        rows = []
        for draw, coded, _ in draws(data, 5, n_draws):
            rng = np.random.default_rng(draw)
            coded = list(coded)
            for _ in range(rounds):
                candidates = np.setdiff1d(in_task, coded)
                if strategy == "random":
                    picked = rng.choice(candidates, batch, replace=False)
                else:
                    scorer = _fit(CodeScorer(), data, np.array(coded))
                    doubt = scorer.uncertainty(X[candidates])
                    if strategy == "uncertainty":
                        picked = candidates[np.argsort(-doubt, kind="stable")[:batch]]
                    else:  # drawn with probability proportional to the uncertainty
                        picked = rng.choice(candidates, batch, replace=False,
                                            p=doubt / doubt.sum())
                coded.extend(picked)
            coded_array = np.array(coded)
            scored = np.setdiff1d(in_task, coded_array)
            scorer = _fit(CodeScorer(), data, coded_array)
            truth = np.array([themes.index(v) for v in labels[scored]])
            rows.append(metrics(scorer.predict(X[scored]), truth))
        out[strategy] = _summary(rows)
    print(f"\nactive learning: k = 5 per theme, then {rounds} rounds of {batch} "
          f"({5 * len(themes) + rounds * batch} coded in all)")
    for strategy, r in out.items():
        print(f"  {strategy:12} LRAP {r['lrap']:.3f} ± {r['lrap_sd']:.3f}  balanced "
              f"{r['balanced_lrap']:.3f}  macro-F1 {r['macro_f1']:.3f}  P@20 {r['p_at_20']:.3f}")
    return out


def _fit(scorer, data: dict, coded: np.ndarray):
    themes, labels, X = data["themes"], data["labels"], data["X"]
    targets = np.array([themes.index(v) for v in labels[coded]])
    pool = np.setdiff1d(np.arange(len(labels)), coded)
    return scorer.fit(X[coded], np.eye(len(themes), dtype=bool)[targets], data["descriptions"],
                      X[pool])  # fmt: skip


def refresh_timing(data: dict, folder: Path, repeats: int = 5) -> dict:
    """``Suggester.refresh()`` after one more coding, on a copy of the project (k = 20)."""
    from workbench.codebook import service, yamlfile
    from workbench.codebook.model import Codebook
    from workbench.project import Project
    from workbench.suggest import Suggester

    copy = folder.parent / (folder.name + "-timing")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(folder, copy)
    with Project.open(copy) as project:
        book = copy / "themes.yaml"
        book.write_text(yamlfile.dump(Codebook(id="care-opinion-themes", title="Care Opinion "
                                               "themes (names only)", codes=data["codes"])))
        service.adopt(project, book)
        _, coded, targets = next(draws(data, 20, 1))
        ids, codes = data["ids"], data["codes"]
        project.store.add_codings([{"comment_id": ids[i], "code_id": codes[t].id,
                                    "coder": "analyst"} for i, t in zip(coded, targets,
                                                                         strict=True)],
                                  "bench", codebook_version=1)  # fmt: skip
        suggester = Suggester(project, encoder=data["encoder"])
        start = time.perf_counter()
        suggester.refresh()
        first = time.perf_counter() - start
        unchanged, changed, fits = [], [], []
        extra = np.setdiff1d(np.arange(len(ids)), coded)[:repeats]
        for i in extra:
            start = time.perf_counter()
            suggester.refresh()
            unchanged.append(time.perf_counter() - start)
            project.store.add_codings([{"comment_id": ids[i], "code_id": codes[0].id,
                                        "coder": "analyst"}], "bench", codebook_version=1)
            start = time.perf_counter()
            latest = suggester.refresh()
            changed.append(time.perf_counter() - start)
            fits.append(latest.seconds)
    shutil.rmtree(copy, ignore_errors=True)
    large = _large_pool_timing(data, coded, targets)
    out = {"comments": len(ids), "coded": int(len(coded)) + repeats,
           "first_refresh_s": round(first, 3),
           "refresh_unchanged_ms": round(1000 * float(np.median(unchanged)), 1),
           "refresh_after_a_coding_ms": round(1000 * float(np.median(changed)), 1),
           "fit_and_score_ms": round(1000 * float(np.median(fits)), 1),
           "fit_and_score_100k_ms": large}  # fmt: skip
    print(f"\nSuggester.refresh on {out['comments']} comments, {out['coded']} coded: first "
          f"{out['first_refresh_s']} s (reads the vectors), unchanged "
          f"{out['refresh_unchanged_ms']} ms, after a coding {out['refresh_after_a_coding_ms']} "
          f"ms (of which fit and score {out['fit_and_score_ms']} ms); medians of {repeats}")
    print(f"fit and score with 100,000 uncoded comments (the vectors repeated with noise): "
          f"{large} ms (median of 3)")
    return out


def _large_pool_timing(data: dict, coded: np.ndarray, targets: np.ndarray) -> float:
    """Fit, score and rank-uncertainty time when 100,000 comments wait to be scored."""
    from workbench.coding.suggest import unit_rows
    from workbench.suggest import CodeScorer

    rng = np.random.default_rng(0)
    X = data["X"]
    pool = unit_rows(X[rng.integers(len(X), size=100_000)]
                     + 0.05 * rng.standard_normal((100_000, X.shape[1])).astype(np.float32))
    labels = np.eye(len(data["themes"]), dtype=bool)[targets]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        scorer = CodeScorer().fit(X[coded], labels, data["descriptions"], pool)
        scorer.predict(pool)
        scorer.uncertainty(pool)
        times.append(time.perf_counter() - start)
    return round(1000 * float(np.median(times)), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draws", type=int, default=10, help="random draws per k")
    parser.add_argument("--ks", default="5,20,50", help="coded fragments per theme")
    parser.add_argument("--project", type=Path, default=RESULTS / "suggest-project")
    parser.add_argument("--out", type=Path, default=RESULTS / "suggest.json")
    parser.add_argument("--no-active", action="store_true", help="skip active learning")
    args = parser.parse_args()
    if not CSV.exists():
        sys.exit(f"{CSV} not found: this benchmark needs the shared fixtures")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(f"machine: {cpu_line()}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = load(args.project)
    counts = data["counts"]
    print("themes: " + ", ".join(f"{t} ({counts[t]})" for t in data["themes"]))
    ks = [int(k) for k in args.ks.split(",")]
    report = {"machine": cpu_line(), "command": " ".join(["python", *sys.argv]),
              "draws": args.draws, "themes": data["themes"],
              "results": evaluate(data, ks, args.draws)}  # fmt: skip
    if 20 in report["results"]:
        print("\nP@20 per theme at k = 20: " + "; ".join(
            f"{t}: " + ", ".join(f"{m} {report['results'][20][m]['p_at_20_per_code'][j]:.2f}"
                                 for m in (*BASELINES, "workbench"))
            for j, t in enumerate(data["themes"])))  # fmt: skip
    if not args.no_active:
        report["active_learning"] = active_learning(data, args.draws)
    report["refresh"] = refresh_timing(data, args.project)
    data["project"].close()
    args.out.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
