"""Build the demo data set: fictional consultation threads in real export formats.

Run from the repository root::

    python -m workbench.demo.build_demo_data          # write workbench/demo/data/
    python -m workbench.demo.build_demo_data --check  # fail if the files are stale

The comments themselves are written out in :mod:`workbench.demo.corpus`; the
format writers live in :mod:`workbench.demo.formats_reddit`,
:mod:`workbench.demo.formats_mastodon` and :mod:`workbench.demo.formats_feeds`.
Standard library only, and deterministic: the same corpus always gives
byte-identical files. After writing, every file is
read back and checked (it parses, ids are unique, every parent reference
resolves, replies come after their parents) and ``data/README.md`` is rewritten
with the counts found.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``workbench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench.demo import demo_checks, demo_readme  # noqa: E402
from workbench.demo.formats_feeds import (  # noqa: E402
    build_facebook,
    build_survey,
    build_x,
    build_youtube,
)
from workbench.demo.formats_mastodon import build_mastodon  # noqa: E402
from workbench.demo.formats_reddit import build_reddit  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def _json(document: Any, *, indent: int | None = 2) -> bytes:
    if indent is None:
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    return (json.dumps(document, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def render() -> tuple[dict[str, bytes], dict[str, dict[str, Any]]]:
    """Return ``{file name: bytes}`` for every data file, and the builders' counts."""
    reddit, reddit_counts = build_reddit()
    outbox, context, mastodon_counts = build_mastodon()
    youtube_pages, youtube_counts = build_youtube()
    x_pages, x_counts = build_x()
    facebook, facebook_counts = build_facebook()
    survey, survey_counts = build_survey()
    files = {
        "reddit_thread.json": _json(reddit, indent=None),  # the API's compact form
        "mastodon_outbox.json": _json(outbox),
        "mastodon_context.json": _json(context),
        "youtube_comment_threads_page1.json": _json(youtube_pages[0]),
        "youtube_comment_threads_page2.json": _json(youtube_pages[1]),
        "x_api_v2_replies.jsonl": b"".join(
            json.dumps(page, ensure_ascii=False).encode("utf-8") + b"\n" for page in x_pages
        ),
        "facebook_comments.json": facebook.encode("ascii"),
        "consultation_survey.csv": survey,
    }
    counts = {
        "reddit": reddit_counts,
        "mastodon": mastodon_counts,
        "youtube": youtube_counts,
        "x": x_counts,
        "facebook": facebook_counts,
        "survey": survey_counts,
    }
    return files, counts


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the demo data files; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare with the files on disk instead of writing them",
    )
    parser.add_argument("--out", type=Path, default=DATA, help="output folder")
    args = parser.parse_args(argv)
    files, counts = render()
    files["README.md"] = demo_readme.render(counts).encode("utf-8")
    if args.check:
        stale = [
            name
            for name, data in files.items()
            if not (args.out / name).is_file() or (args.out / name).read_bytes() != data
        ]
        if stale:
            print(
                f"stale demo data in {args.out}: {', '.join(stale)}; "
                "run python -m workbench.demo.build_demo_data",
                file=sys.stderr,
            )
            return 1
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (args.out / name).write_bytes(data)
    problems, found = demo_checks.check_folder(args.out)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    mismatched = demo_checks.compare_counts(counts, found)
    for line in mismatched:
        print(f"count mismatch: {line}", file=sys.stderr)
    if not problems and not mismatched:
        total = sum(found[k]["comments"] for k in found)
        print(
            f"{'checked' if args.check else 'wrote'} {len(files)} files in {args.out}: "
            f"{total} comments/posts in all"
        )
    return 1 if problems or mismatched else 0


if __name__ == "__main__":
    raise SystemExit(main())
