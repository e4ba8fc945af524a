"""Embedding and clustering benchmark: workbench against the plain baselines.

One run, same texts, same model (all-MiniLM-L6-v2), same machine:

1. **Embedding.** Plain ``SentenceTransformer(model).encode(texts)`` with default
   settings against the workbench's ``SentenceEncoder`` (backend ``auto``),
   interleaved block by block (the order alternating) so that noise from other
   processes hits both alike. Reports throughput ratio, mean cosine to the
   reference vectors, and the overlap of each comment's 10 nearest neighbours
   (for 10,000 sampled comments, neighbours searched among all).
2. **Cache.** The texts are imported into a project, the cache is filled with
   the vectors from step 1, and ``workbench embed PROJECT`` is timed in a fresh
   process: everything must come from the cache.
3. **Backends.** Every backend on a 2,000-text sample, and again with oneDNN
   limited to AVX512 without BF16 (a CPU without BF16/AMX), showing what ``auto``
   falls back to.
4. **Pipeline.** In fresh processes: the workbench's reduce → cluster → label
   (``cluster_comments`` on the project; its embeddings are cached, so the
   embedding time from step 1 is added) against BERTopic's ``fit_transform(docs,
   embeddings)`` with default settings (plus the reference encode time from step
   1, which is exactly what ``fit_transform(docs)`` spends embedding). Cluster
   agreement (ARI, NMI) and outlier shares are reported.

Usage: ``python benchmarks/bench_embed_cluster.py --n 100000`` (``make bench-embed``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULTS = HERE / "results" / "embed_cluster"


def _encode_plain(model, texts: list[str]) -> np.ndarray:
    return np.asarray(model.encode(texts), dtype=np.float32)


def stage_embed(texts: list[str], block: int, work: Path) -> dict:
    """Step 1: interleaved plain encode vs the workbench encoder."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    from workbench.embed import SentenceEncoder
    from workbench.embed.models import packaged_default

    start = time.perf_counter()
    ours = SentenceEncoder().load(sample=texts[:512])
    setup = time.perf_counter() - start
    plain = SentenceTransformer(str(packaged_default()))
    ours.embed(texts[:64])
    _encode_plain(plain, texts[:64])
    ref_parts, our_parts = [], []
    ref_seconds = our_seconds = 0.0
    for number, first in enumerate(range(0, len(texts), block)):
        part = texts[first : first + block]
        order = ("plain", "ours") if number % 2 == 0 else ("ours", "plain")
        for who in order:
            t0 = time.perf_counter()
            if who == "plain":
                ref_parts.append(_encode_plain(plain, part))
                ref_seconds += time.perf_counter() - t0
            else:
                our_parts.append(ours.embed(part))
                our_seconds += time.perf_counter() - t0
        print(f"  {first + len(part):>7} texts: plain {ref_seconds:7.1f} s, "
              f"workbench {our_seconds:7.1f} s", flush=True)
    ref = np.concatenate(ref_parts)
    mine = np.concatenate(our_parts)
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    np.save(work / "reference.npy", ref)
    np.save(work / "ours.npy", mine)
    rng = np.random.default_rng(0)
    queries = rng.choice(len(texts), size=min(10_000, len(texts)), replace=False)
    overlap = _overlap_sampled(ref, mine, queries)
    return {
        "texts": len(texts),
        "backend": ours.backend_name,
        "threads": ours.threads_used,
        "plain_seconds": round(ref_seconds, 2),
        "workbench_seconds": round(our_seconds, 2),
        "plain_texts_per_s": round(len(texts) / ref_seconds, 1),
        "workbench_texts_per_s": round(len(texts) / our_seconds, 1),
        "speedup": round(ref_seconds / our_seconds, 3),
        "mean_cosine": round(float(np.mean(np.sum(ref * mine, axis=1))), 5),
        "min_cosine": round(float(np.min(np.sum(ref * mine, axis=1))), 5),
        "neighbour_overlap_at_10": round(float(overlap), 4),
        "setup_seconds": round(setup, 2),
    }


def _overlap_sampled(ref: np.ndarray, mine: np.ndarray, queries: np.ndarray) -> float:
    """Mean overlap of the 10 nearest neighbours (among all rows) of the query rows."""
    k = 10
    shares = []
    for start in range(0, len(queries), 1000):
        rows = queries[start : start + 1000]
        found = []
        for matrix in (ref, mine):
            sims = matrix[rows] @ matrix.T
            sims[np.arange(len(rows)), rows] = -np.inf
            found.append(np.argpartition(-sims, k, axis=1)[:, :k])
        both = np.sort(np.concatenate(found, axis=1), axis=1)
        shares.append((both[:, 1:] == both[:, :-1]).sum(axis=1) / k)
    return float(np.mean(np.concatenate(shares)))


def stage_cache(texts: list[str], work: Path, first_seconds: float) -> dict:
    """Step 2: import, fill the cache with step 1's vectors, time a re-run."""
    from workbench.embed.comments import cache_for, embeddable, encoder_for
    from workbench.embed.texts import text_keys
    from workbench.project import Project

    project_dir = work / "project"
    source = work / "comments.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows((f"c{i}", t) for i, t in enumerate(texts))
    if project_dir.exists():
        import shutil

        shutil.rmtree(project_dir)
    from workbench.sources import ColumnMapping

    t0 = time.perf_counter()
    with Project.init(project_dir) as project:
        project.settings["detect_language"] = False
        project.import_files([source], format="csv", mapping=ColumnMapping(
            text_column="text", id_column="id"))
        import_seconds = time.perf_counter() - t0
        rows, embedded_texts = embeddable(project.comments())
        by_text = {t: i for i, t in enumerate(texts)}
        vectors = np.load(work / "ours.npy")[[by_text[t] for t in embedded_texts]]
        t0 = time.perf_counter()
        cache = cache_for(project, encoder_for(project))
        cache.add(text_keys(embedded_texts), vectors)
        write_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "workbench.cli", "embed", str(project_dir),
                          "--json"], capture_output=True, text=True, check=True)
    rerun = time.perf_counter() - t0
    report = json.loads(out.stdout)
    first = first_seconds + write_seconds
    return {"import_seconds": round(import_seconds, 2),
            "cache_write_seconds": round(write_seconds, 2),
            "first_run_seconds": round(first, 2), "rerun_seconds": round(rerun, 2),
            "rerun_speedup": round(first / rerun, 1),
            "rerun_embedded": report["embedded"], "rerun_cached": report["cached"]}


def stage_backends(texts: list[str], work: Path) -> dict:
    """Step 3: every backend, with and without BF16 instructions, in fresh processes."""
    sample = work / "sample.json"
    sample.write_text(json.dumps(texts[:2000]))
    found = {}
    for label, extra in (("this CPU", {}),
                         ("no BF16 (oneDNN AVX512_CORE_VNNI)",
                          {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_VNNI"})):
        env = {**os.environ, **extra}
        out = subprocess.run([sys.executable, __file__, "--stage", "backends", "--work",
                              str(work)], capture_output=True, text=True, env=env)
        if out.returncode != 0:
            found[label] = {"error": out.stderr[-2000:]}
            continue
        found[label] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def _backends_child(work: Path) -> None:
    from workbench.embed.choose import candidates, measure, meets_bar
    from workbench.embed.models import resolve_model
    from workbench.embed.threads import free_threads

    texts = json.loads((work / "sample.json").read_text())
    results = measure(resolve_model(None), "cpu", free_threads(), candidates("cpu"), texts)
    usable = {n: r for n, r in results.items() if "error" not in r and meets_bar(r)}
    results["auto picks"] = max(usable, key=lambda n: usable[n]["texts_per_s"])
    print(json.dumps(results))


def _ours_cluster_child(work: Path) -> None:
    from workbench.cluster import cluster_comments
    from workbench.project import Project

    n = len(json.loads((work / "texts.json").read_text()))
    t0 = time.perf_counter()
    with Project.open(work / "project") as project:
        run = cluster_comments(project)
        seconds = time.perf_counter() - t0
    # Labels by position in the corpus ("csv:c<i>"); texts the import skipped as
    # filler ("N/A", "-") count as outliers so both label arrays line up.
    labels = np.full(n, -1, dtype=np.int64)
    positions = run.members["comment_id"].str.removeprefix("csv:c").astype(int).to_numpy()
    labels[positions] = run.members["cluster"].to_numpy()
    np.save(work / "ours_labels.npy", labels)
    print(json.dumps({"seconds": round(seconds, 2), "timings": run.record["timings"],
                      "clusters": run.n_clusters, "outlier_share": round(run.outlier_share, 4),
                      "not_imported": int(n - len(positions)),
                      "params": run.record["params"]}))


def _bertopic_child(work: Path) -> None:
    import warnings

    warnings.simplefilter("ignore")
    from bertopic import BERTopic

    texts = json.loads((work / "texts.json").read_text())
    embeddings = np.load(work / "reference.npy")
    t0 = time.perf_counter()
    topics, _ = BERTopic().fit_transform(texts, embeddings)
    seconds = time.perf_counter() - t0
    topics = np.asarray(topics)
    np.save(work / "bertopic_labels.npy", topics)
    print(json.dumps({"seconds": round(seconds, 2), "clusters": int(topics.max() + 1),
                      "outlier_share": round(float((topics < 0).mean()), 4)}))


def stage_pipeline(texts: list[str], work: Path, embed: dict) -> dict:
    """Step 4: reduce → cluster → label, workbench against BERTopic, fresh processes."""
    (work / "texts.json").write_text(json.dumps(texts))
    found = {}
    for stage in ("bertopic", "ours-cluster"):
        out = subprocess.run([sys.executable, __file__, "--stage", stage, "--work", str(work)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"{stage} failed:\n{out.stderr[-3000:]}")
        found[stage] = json.loads(out.stdout.strip().splitlines()[-1])
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    ours = np.load(work / "ours_labels.npy")
    theirs = np.load(work / "bertopic_labels.npy")
    both = (ours >= 0) & (theirs >= 0)
    ours_total = embed["workbench_seconds"] + found["ours-cluster"]["seconds"]
    theirs_total = embed["plain_seconds"] + found["bertopic"]["seconds"]
    return {
        "workbench": found["ours-cluster"],
        "bertopic": found["bertopic"],
        "workbench_total_seconds": round(ours_total, 2),
        "bertopic_total_seconds": round(theirs_total, 2),
        "speedup": round(theirs_total / ours_total, 3),
        "ari_all": round(float(adjusted_rand_score(theirs, ours)), 4),
        "nmi_all": round(float(normalized_mutual_info_score(theirs, ours)), 4),
        "ari_both_clustered": round(float(adjusted_rand_score(theirs[both], ours[both])), 4),
        "nmi_both_clustered": round(float(normalized_mutual_info_score(theirs[both],
                                                                         ours[both])), 4),
        "share_both_clustered": round(float(both.mean()), 4),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write ``results/embed_cluster/results-<n>.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="comments (default 100,000)")
    parser.add_argument("--block", type=int, default=5_000, help="texts per interleaved block")
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        {"backends": _backends_child, "ours-cluster": _ours_cluster_child,
         "bertopic": _bertopic_child}[args.stage](args.work)
        return 0
    from comment_corpus import benchmark_corpus

    work = RESULTS / f"n{args.n}"
    work.mkdir(parents=True, exist_ok=True)
    texts = benchmark_corpus(args.n)
    words = np.array([len(t.split()) for t in texts])
    results: dict = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                     "cpu": _cpu(), "corpus": {"comments": len(texts),
                                               "median_words": float(np.median(words)),
                                               "mean_words": round(float(words.mean()), 1)}}
    print(f"embedding {len(texts)} comments, interleaved blocks of {args.block}", flush=True)
    results["embedding"] = stage_embed(texts, args.block, work)
    print(json.dumps(results["embedding"], indent=2), flush=True)
    results["cache"] = stage_cache(texts, work, results["embedding"]["workbench_seconds"])
    print(json.dumps(results["cache"], indent=2), flush=True)
    results["backends"] = stage_backends(texts, work)
    print(json.dumps(results["backends"], indent=2), flush=True)
    if not args.skip_pipeline:
        results["pipeline"] = stage_pipeline(texts, work, results["embedding"])
        print(json.dumps(results["pipeline"], indent=2), flush=True)
    (RESULTS / f"results-{args.n}.json").write_text(json.dumps(results, indent=2))
    return 0


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            name = next(ln.split(":", 1)[1].strip() for ln in handle
                        if ln.startswith("model name"))
    except (OSError, StopIteration):
        name = "unknown"
    return f"{name}, {os.cpu_count()} cores"


if __name__ == "__main__":
    raise SystemExit(main())
