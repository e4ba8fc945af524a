"""Privacy recall of the quote scrubber (workbench.publish.scrub), per kind.

    .venv/bin/python benchmarks/bench_privacy.py [--n 400] [--names 100000]

Prints, for the labelled fixture set (tests/data/privacy_labels.jsonl, needs
../shared/fixtures) and the synthetic set (tests/privacy_support.py), how many of the
usernames, mentions, emails, links and phone numbers were scrubbed; the false-positive
rate on texts with nothing to scrub (fixture comments without a label, and a few
awkward negatives); the misses and false redactions by kind; and the costs: import
time, building a scrubber of ``--names`` names, the first scrub (which loads Presidio)
and the time per quote.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import privacy_support as ps  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _line(name: str, counts: dict[str, list[int]]) -> None:
    parts = []
    for kind, (hit, total) in counts.items():
        if total:
            parts.append(f"{kind} {hit}/{total} ({100 * hit / total:.1f} %)")
    print(f"{name:<22} " + ", ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=400, help="synthetic cases per kind")
    parser.add_argument("--names", type=int, default=100_000, help="names for the build timing")
    args = parser.parse_args()

    rss0, start = _rss_mb(), time.perf_counter()
    from workbench.publish.scrub import Scrubber

    print(
        f"import workbench.publish.scrub: {1000 * (time.perf_counter() - start):.0f} ms, "
        f"+{_rss_mb() - rss0:.0f} MB peak RSS, heavy modules loaded: "
        f"{sorted(m for m in ('torch', 'spacy', 'presidio_analyzer') if m in sys.modules)}"
    )
    rng = random.Random(1)
    many = [
        "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz_0123456789") for _ in range(rng.randint(4, 16))
        )
        for _ in range(args.names)
    ]
    start = time.perf_counter()
    Scrubber(many)
    print(f"Scrubber({args.names:,} names): {time.perf_counter() - start:.2f} s")

    comments = ps.read_fixture_comments(FIXTURES) if FIXTURES.is_dir() else {}
    names = sorted(ps.fixture_usernames(comments))
    synthetic_names = ps.synthetic_usernames(random.Random(0))
    scrubber = Scrubber([*names, *synthetic_names])
    rss0, start = _rss_mb(), time.perf_counter()
    scrubber.scrub("warm up")
    print(
        f"first scrub (loads Presidio): {time.perf_counter() - start:.2f} s, "
        f"+{_rss_mb() - rss0:.0f} MB peak RSS, heavy modules loaded: "
        f"{sorted(m for m in ('torch', 'spacy', 'presidio_analyzer') if m in sys.modules)}"
    )

    sentences = ps.care_opinion_sentences(comments) or list(ps.FALLBACK_SENTENCES)
    synthetic = ps.synthetic_cases(sentences, synthetic_names, n=args.n)
    labelled = ps.labelled_cases(comments) if comments else []
    if not comments:
        print(f"(no fixtures at {FIXTURES}: synthetic set only)")
    print()
    misses = []
    for name, cases in (("labelled (fixtures)", labelled), ("synthetic", synthetic)):
        if cases:
            counts, missed = ps.recall(scrubber, cases)
            _line(name, counts)
            misses.extend(missed)
    all_counts, _ = ps.recall(scrubber, labelled + synthetic)
    _line("both", all_counts)
    start = time.perf_counter()
    clean = ps.clean_texts(comments) if comments else []
    hit, total, examples = ps.false_positives(scrubber, clean + list(ps.NEGATIVES))
    per_text = 1000 * (time.perf_counter() - start) / max(total, 1)
    print(
        f"\nfalse positives: {hit}/{total} texts with nothing to scrub had a redaction "
        f"({100 * hit / max(total, 1):.1f} %), {len(examples)} redactions: "
        f"{dict(Counter(kind for kind, _ in examples))}"
    )
    print(f"scrub time: {per_text:.2f} ms per text ({total} texts)")
    if misses:
        print("\nmisses:")
        for kind, source, text in misses[:40]:
            print(f"  {kind:<9} {source}: {text!r}")
    if examples:
        print("\nfalse redactions (kind, text):")
        for kind, text in examples[:40]:
            print(f"  {kind:<9} {text[:60]!r}")


if __name__ == "__main__":
    main()
