"""Generate a synthetic Pushshift / Arctic Shift style NDJSON comment dump.

Rows look like real dump rows (about 285 bytes each): ids in base 36, fullname
parents, a mix of top-level comments and replies, repeated authors, emoji, HTML
entities, deleted bodies, ``created_utc`` sometimes written as a string.

Bodies are word salad from a 72-word vocabulary unless ``texts`` are given: then
each body is the next of those texts (``comment_corpus.benchmark_corpus`` gives
distinct comments of real lengths made of real sentences), so work that depends on
the words (language labelling above all) costs what it costs on real comments.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path

import orjson

WORDS = (
    "the waiting time at the walk in centre was too long and nobody told us what was "
    "happening I phoned 111 twice booking online did not work for my mum parking is "
    "impossible staff were kind but clearly overworked please open more appointments "
    "at weekends my GP surgery never answers the phone receptionist nurse doctor "
    "pharmacy prescription referral hospital clinic urgent care evening weekend app"
).split()
EXTRAS = ("😀", "👍", "&amp;", "&gt; quoted", "café", "Zażółć gęślą jaźń", "\n\nEdit: typo")


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def generate(path: Path, lines: int, seed: int = 7, texts: Sequence[str] = ()) -> Path:
    """Write ``lines`` dump rows to ``path`` (skipped if it already exists).

    ``texts``, when given, are the bodies, in turn (see the module docstring).
    """
    if path.exists() and path.stat().st_size > 0:
        return path
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    posts = [_b36(10_000_000 + i) for i in range(max(1, lines // 200))]
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as out:
        for i in range(lines):
            post = rng.choice(posts)
            cid = _b36(1_000_000_000 + i)
            if i > 10 and rng.random() < 0.6:
                parent = "t1_" + _b36(1_000_000_000 + rng.randrange(max(1, i - 5000), i))
            else:
                parent = "t3_" + post
            if texts:
                body = texts[i % len(texts)]
            else:
                body = " ".join(rng.choices(WORDS, k=rng.randint(3, 21)))
            if rng.random() < 0.1:
                body += " " + rng.choice(EXTRAS)
            if rng.random() < 0.02:
                body = "[deleted]"
            created = 1_600_000_000 + i * 3
            row = {
                "id": cid,
                "author": f"user_{rng.randrange(50_000)}",
                "body": body,
                "created_utc": created,
                "score": rng.randint(-5, 200),
                "parent_id": parent,
                "link_id": "t3_" + post,
                "subreddit": "AskUK",
                "subreddit_id": "t5_2qhqb",
                "retrieved_on": created + 86_400,
                "edited": False,
                "controversiality": 0,
            }
            out.write(orjson.dumps(row) + b"\n")
    tmp.rename(path)
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    generate(args.path, args.lines)
