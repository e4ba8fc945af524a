"""The demo data set: a fictional public consultation, exported from six platforms.

Riverside Community Health NHS Trust (fictional) asks the public how to improve
its Walk-in Centre and Urgent Treatment Centre; patients, carers, staff and a few
trolls reply on Reddit, Mastodon, YouTube, X and Facebook, and in a survey. The
files in ``data/`` are in each platform's real export format; they are built by
:mod:`workbench.demo.build_demo_data` from the comments written in
:mod:`workbench.demo.corpus`.

>>> from workbench.demo import demo_files, DEMO_CSV_MAPPING
>>> [p.name for p in demo_files()][:2]
['consultation_survey.csv', 'facebook_comments.json']
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

#: The data files, in the order :func:`demo_files` returns them.
DEMO_FILE_NAMES: tuple[str, ...] = (
    "consultation_survey.csv",
    "facebook_comments.json",
    "mastodon_context.json",
    "mastodon_outbox.json",
    "reddit_thread.json",
    "x_api_v2_replies.jsonl",
    "youtube_comment_threads_page1.json",
    "youtube_comment_threads_page2.json",
)

#: Keyword arguments of :class:`workbench.sources.ColumnMapping` for the survey CSV
#: (the CLI's ``--text-column ... --id-column ... --time-column ... --author-column``).
DEMO_CSV_MAPPING: dict[str, str | bool] = {
    "text_column": "What could we improve?",
    "id_column": "Response ID",
    "time_column": "Submitted",
    "author_column": "Respondent",
    # paper answers were typed in as DD/MM/YYYY (UK); online ones are ISO
    "dayfirst": True,
}


def demo_files() -> list[Path]:
    """Return the demo export files (not the README), sorted by name.

    Raises
    ------
    FileNotFoundError
        If a data file is missing (rebuild with
        ``python -m workbench.demo.build_demo_data``).
    """
    paths = [DATA_DIR / name for name in DEMO_FILE_NAMES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"demo data missing in {DATA_DIR}: {', '.join(missing)}; "
            "rebuild it with: python -m workbench.demo.build_demo_data"
        )
    return paths
