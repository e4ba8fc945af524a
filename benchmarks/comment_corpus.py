"""Real-length comments for the embedding and clustering benchmarks.

Lengths follow the word counts of the real social-media comments in
``../shared/fixtures`` (Reddit, X, YouTube, Mastodon exports: median 15 words,
mean 21, long tail to ~470), read through the workbench's own loaders. Texts are
runs of consecutive real sentences from those comments and from the Care Opinion
patient feedback, so vocabulary, sentence shapes and health topics are real;
every generated comment is distinct (no cache or de-duplication can help).
Without the shared fixtures the demo corpus stands in.
"""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _social_texts() -> list[str]:
    from workbench.project import Project

    files = [p for pattern in ("reddit/*.json", "twitter/*.js", "twitter/twarc2/flat.jsonl",
                               "youtube/*.json", "mastodon/*.json")
             for p in sorted(FIXTURES.glob(pattern))]
    texts: list[str] = []
    with tempfile.TemporaryDirectory() as folder, Project.init(Path(folder) / "p") as project:
        for path in files:
            project.import_files([path])
        frame = project.comments()
        texts = [t for t in frame["text"].astype(str) if t.strip() and t != "[deleted]"]
    return texts


def _feedback_texts() -> list[str]:
    path = FIXTURES / "csv" / "care_opinion_co.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return [row["feedback"] for row in csv.DictReader(handle) if row["feedback"].strip()]


def _demo_texts() -> list[str]:
    from workbench.embed.choose import calibration_texts

    return calibration_texts()


def source_texts() -> tuple[list[str], list[str]]:
    """(texts whose lengths are copied, texts whose sentences are reused)."""
    if FIXTURES.exists():
        social = _social_texts()
        return social, social + _feedback_texts()
    demo = _demo_texts()
    return demo, demo


def benchmark_corpus(n: int, seed: int = 11) -> list[str]:
    """``n`` distinct comments of real lengths made of real sentences."""
    from workbench.embed.texts import normalise_text
    from workbench.sources.tabular import is_filler

    length_texts, sentence_texts = source_texts()
    lengths = np.array([len(t.split()) for t in length_texts])
    lengths = lengths[lengths > 0]
    documents = [[s for s in _SENTENCE.split(t) if s.strip()]
                 for t in sentence_texts]
    documents = [[normalise_text(s) for s in doc] for doc in documents if doc]
    rng = np.random.default_rng(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        target = int(rng.choice(lengths))
        words: list[str] = []
        doc = documents[int(rng.integers(len(documents)))]
        position = int(rng.integers(len(doc)))
        while len(words) < target:
            if position >= len(doc):
                doc = documents[int(rng.integers(len(documents)))]
                position = 0
            words.extend(doc[position].split())
            position += 1
        text = " ".join(words[:target])
        if text in seen or is_filler(text):
            continue
        seen.add(text)
        out.append(text)
    return out


if __name__ == "__main__":
    corpus = benchmark_corpus(2000)
    counts = np.array([len(t.split()) for t in corpus])
    print(len(corpus), "comments; words: median", np.median(counts), "mean", counts.mean())
    for text in corpus[:5]:
        print("-", text[:160])
