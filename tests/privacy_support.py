"""The privacy-recall set for the quote scrubber: fixture labels plus synthetic cases.

Used by ``tests/test_publish_scrub.py`` and ``benchmarks/bench_privacy.py``.

Labelled set (``tests/data/privacy_labels.jsonl``): one line per thing that must not be
published in a fixture comment, as ``{file, comment_id, kind, start, end, sha256}``;
``file`` is relative to ``../shared/fixtures``, the offsets are in the ``text`` column
that :func:`workbench.sources.read` gives, and ``sha256`` is the first 16 hex digits
of the labelled substring's SHA-256, so a label that no longer points at its text
fails loudly without the fixture text being copied here. Kinds: ``username`` (a name
of one of the fixtures' own authors, as written, prefix excluded), ``mention`` (an
``@`` or ``u/`` mention of anyone else, prefix included), ``url``, ``email``,
``phone``. They were found with simple searches independent of the scrubber (every
author name case-insensitively as a whole word; ``scheme://`` runs; bare domains with
a list of common top-level domains; ``@word`` and ``u/word``; runs of 9+ digits and
separators) and every candidate read by eye: the ordinary-word uses of the authors
"admin" and "instincts", a missing space read as a domain and the dates, ranges and
counts among the digit runs were left out. The fixtures hold no email address and one
phone number, so the synthetic set carries those kinds.

Synthetic set (:func:`synthetic_cases`): varied emails, links, phone numbers (UK and
international) and handles (bare, @, u/, /u/, Mastodon, display names) put into
sentences by templates; the sentences come from the fixtures' Care Opinion feedback
when present, else from a few neutral sentences written here, so it runs anywhere.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LABELS = DATA / "privacy_labels.jsonl"
KINDS: tuple[str, ...] = ("username", "mention", "email", "url", "phone")

#: Comment files among the fixtures (``refi/`` holds no comments).
FIXTURE_FILES: tuple[str, ...] = (
    "csv/care_opinion_co.csv",
    "mastodon/api_v1_statuses_post_and_reply.json",
    "reddit/permalink_context100_r-AskReddit_6wmniq_dma3mi5.json",
    "reddit/permalink_context100_r-IAmA_57dw9a_d8r4im1.json",
    "reddit/thread_r-announcements_fo7p5b.json",
    "reddit/thread_r-funny_3hahrw.json",
    "reddit/user_spez_comments_listing.json",
    "twitter/twarc2/edited_after.jsonl",
    "twitter/twarc2/edited_before.jsonl",
    "twitter/twarc2/flat.jsonl",
    "twitter/twarc2/noflat.jsonl",
    "twitter/twarc2/streaming_output_with_error.jsonl",
    "twitter/x-archive_milahu104_tweets.js",
    "youtube/comment_thread_single.json",
    "youtube/comment_threads_all_to_me.json",
    "youtube/comment_threads_by_video_paged_1.json",
    "youtube/comment_threads_by_video_paged_2.json",
    "youtube/comments_by_parent_paged_1.json",
    "youtube/comments_by_parent_paged_2.json",
)


@dataclass(frozen=True)
class Case:
    """One text and the stretches of it that must be scrubbed: ``(kind, start, end)``."""

    source: str
    text: str
    spans: tuple[tuple[str, int, int], ...]


def read_fixture_comments(root: Path) -> dict[str, dict[str, tuple[str | None, str]]]:
    """``{file: {comment_id: (author, text)}}`` of every fixture comment file."""
    from workbench import sources
    from workbench.sources import ColumnMapping

    comments = {}
    for name in FIXTURE_FILES:
        mapping = None
        if name.endswith(".csv"):
            mapping = ColumnMapping(text_column="feedback", id_column="row_index")
        frame = sources.read(root / name, mapping=mapping)
        comments[name] = {
            cid: (author if isinstance(author, str) else None, text)
            for cid, author, text in zip(
                frame["comment_id"], frame["author"], frame["text"], strict=True
            )
        }
    return comments


def fixture_usernames(comments: dict[str, dict[str, tuple[str | None, str]]]) -> set[str]:
    """Every author of every fixture file: the project's own usernames."""
    return {a for rows in comments.values() for a, _ in rows.values() if a}


def labelled_cases(comments: dict[str, dict[str, tuple[str | None, str]]]) -> list[Case]:
    """The fixture comments that carry labels, each with its labels checked."""
    spans: dict[tuple[str, str], list[tuple[str, int, int]]] = {}
    for number, line in enumerate(LABELS.read_text(encoding="utf-8").splitlines(), 1):
        label = json.loads(line)
        _, text = comments[label["file"]][label["comment_id"]]
        found = text[label["start"] : label["end"]]
        digest = hashlib.sha256(found.encode()).hexdigest()[:16]
        if digest != label["sha256"]:
            raise AssertionError(
                f"{LABELS.name} line {number}: {label['file']} {label['comment_id']} "
                f"[{label['start']}:{label['end']}] no longer holds the labelled text "
                "(did the loader's text normalisation change?)"
            )
        key = (label["file"], label["comment_id"])
        spans.setdefault(key, []).append((label["kind"], label["start"], label["end"]))
    return [
        Case(f"{file} {cid}", comments[file][cid][1], tuple(found))
        for (file, cid), found in spans.items()
    ]


def clean_texts(comments: dict[str, dict[str, tuple[str | None, str]]]) -> list[str]:
    """Fixture comments with no label at all: nothing in them should be scrubbed."""
    labelled = {
        (label["file"], label["comment_id"])
        for label in map(json.loads, LABELS.read_text(encoding="utf-8").splitlines())
    }
    return [
        text
        for file, rows in comments.items()
        for cid, (_, text) in rows.items()
        if (file, cid) not in labelled and text
    ]


FALLBACK_SENTENCES: tuple[str, ...] = (
    "The nurse on the ward was kind and explained everything twice",
    "I waited three hours in the emergency department before anyone saw me",
    "Parking at the hospital costs far too much for regular visitors",
    "My mum's carer visits every morning and she looks forward to it",
    "The receptionist said the clinic would phone back within a week",
    "We were seen at 9.30 and home again by 12.00, which was great",
    "Nobody told us the appointment had moved to another building",
    "Thank you to the whole team for looking after my dad in 2015-2016",
)

#: Texts with nothing to scrub that look a little like something to scrub.
NEGATIVES: tuple[str, ...] = (
    "We were there from 9.30-12.00 and again on 01.10.2025.",
    "Between 2015-2016 and 2018 - 2019 things got worse.",
    "I'd give them 10 000 000% if I could, and 1,250 thanks.",
    "The ward had 24 beds, 3 nurses and 1 doctor on 12/03/2024.",
    "It made me feel welcome and happy.It was lovely.",
    "Version 5.7.0 of the app broke the booking page, e.g. the calendar.",
    "She said the U.S. system is different, at 3 p.m. on Monday.",
    "Call the ward if you need to, the number is on the letter.",
    "An admin person answered and the nurse called back later.",
    "The reference was 2024/118 and the room was B-12.",
    "The whole cost was £1,299.99 and took 45-60 minutes.",
)

_FIRST = ("jane", "sam", "ali", "chris", "mary", "tom", "priya", "kemi", "olek", "siobhan")
_LAST = ("smith", "okafor", "nguyen", "o'brien", "kowalski", "patel", "jones", "mcleod")
_DOMAINS = (
    "gmail.com",
    "nhs.net",
    "example.co.uk",
    "uni.ac.uk",
    "mail.example.org",
    "outlook.de",
    "proton.me",
    "btinternet.com",
    "health.gov.uk",
    "xn--80ak6aa92e.com",
)
_PATHS = ("", "/", "/path", "/a/b-c_d.html", "/watch?v=dQw4w9WgXcQ", "/x?y=1&z=2#top", "/p/123/")


def _email(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST).replace("'", "")
    local = rng.choice(
        (f"{first}.{last}", f"{first}_{last}{rng.randint(1, 99)}", f"{first}+nhs", first[0] + last)
    )
    value = f"{local}@{rng.choice(_DOMAINS)}"
    return value.upper() if rng.random() < 0.1 else value


def _url(rng: random.Random) -> str:
    host = rng.choice(
        ("example.org", "www.example.org", "nhs.uk", "example.co.uk", "bit.ly", "t.co",
         "youtu.be", "en.wikipedia.org", "old.reddit.com", "forum.patient.info",
         "www.gov.uk", "imgur.com", "docs.google.com", "careforum.london")
    )  # fmt: skip
    path = rng.choice(_PATHS)
    if host in ("bit.ly", "t.co", "youtu.be"):
        path = "/" + "".join(rng.choice("abcdefghXYZ0123456789") for _ in range(7))
    elif host == "en.wikipedia.org":
        path = rng.choice(("/wiki/Sepsis", "/wiki/Mercury_(planet)", "/wiki/NHS_111"))
    form = rng.random()
    if form < 0.4:
        return f"https://{host}{path}"
    if form < 0.5:
        return f"http://{host}:8080{path}"
    if form < 0.55:
        return f"http://192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}/admin"
    if form < 0.75 and not host.startswith("www."):
        return f"www.{host}{path}"
    return f"{host}{path or '/info'}"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _phone(rng: random.Random) -> str:
    d = lambda n: _digits(rng, n)  # noqa: E731
    return rng.choice(
        (
            f"01632 960{d(3)}",
            f"01632 960 {d(3)}",
            f"+44 7700 900{d(3)}",
            f"+44 (0)7700 900{d(3)}",
            f"07700 900{d(3)}",
            f"07700900{d(3)}",
            f"020 7946 0{d(3)}",
            f"(020) 7946 0{d(3)}",
            f"0161 496 0{d(3)}",
            f"+44 161 496 0{d(3)}",
            f"0113 496 0{d(3)}",
            f"0300 0830 {d(3)}",
            f"(555) 123-{d(4)}",
            f"555-123-{d(4)}",
            f"555.123.{d(4)}",
            f"+1 212 555 0{d(3)}",
            f"+1-202-555-0{d(3)}",
            f"1-800-555-0{d(3)}",
            f"+49 30 {d(6)}",
            f"+33 1 23 45 {d(2)} {d(2)}",
            f"+61 2 9876 {d(4)}",
            f"+353 1 234 {d(4)}",
            f"+91 98765 {d(5)}",
        )
    )


def synthetic_usernames(rng: random.Random, n: int = 60) -> list[str]:
    """Handles and display names of made-up authors, none of them a common word."""
    names = []
    for i in range(n):
        first, last = rng.choice(_FIRST), rng.choice(_LAST).replace("'", "")
        names.append(
            rng.choice(
                (
                    f"{first}_{last}{i}",
                    f"{first.title()}{last.title()}{i}",
                    f"{first}-{last}-{i}",
                    f"x{first}{i}x",
                    f"{first.title()} {last.title()}z{i}",
                    f"@{first}{i}@mastodon.social",
                )
            )
        )
    return names


def _handle_form(rng: random.Random, name: str) -> tuple[str, int, int]:
    """How a known name is written in a comment, and where the name itself is in it."""
    if name.startswith("@"):
        local, _, instance = name[1:].partition("@")
        written = rng.choice((f"@{local}@{instance}", f"@{local}", f"@{local.upper()}"))
        return written, 0, len(written)
    if " " in name:
        written = rng.choice((name, name.lower(), f"@{name}", f"+{name}"))
    else:
        written = rng.choice((name, name.lower(), f"@{name}", f"u/{name}", f"/u/{name}"))
    start = len(written) - len(name)
    return written, start, len(written)


_TEMPLATES = (
    "{s} {x}.",
    "{x} {s}",
    "{s} ({x}).",
    "{s}, {x}, and more.",
    "Contact: {x}! {s}",
    "{s}\n\n{x}",
    '{s} "{x}"',
    "{s}: {x}; thanks",
)


def synthetic_cases(
    sentences: Iterable[str], usernames: list[str], *, n: int = 400, seed: int = 0
) -> list[Case]:
    """``n`` cases of each kind (email, url, phone, username) put into ``sentences``."""
    pool = [s.strip() for s in sentences if 20 <= len(s.strip()) <= 300]
    if not pool:
        raise ValueError("synthetic_cases needs sentences of 20 to 300 characters")
    rng = random.Random(seed)
    makers = {"email": _email, "url": _url, "phone": _phone}
    cases = []
    for kind in ("email", "url", "phone", "username"):
        for _ in range(n):
            sentence, template = rng.choice(pool), rng.choice(_TEMPLATES)
            if kind == "username":
                value, a, b = _handle_form(rng, rng.choice(usernames))
            else:
                value = makers[kind](rng)
                a, b = 0, len(value)
            head, _, tail = template.partition("{x}")
            before = head.format(s=sentence)
            text = before + value + tail.format(s=sentence)
            start = len(before)
            cases.append(Case(f"synthetic {kind}", text, ((kind, start + a, start + b),)))
    return cases


def care_opinion_sentences(comments: dict[str, dict[str, tuple[str | None, str]]]) -> list[str]:
    """Sentences of the Care Opinion feedback (plain patient text) for the templates."""
    sentences = []
    for _, text in comments.get("csv/care_opinion_co.csv", {}).values():
        if "http" in text or "@" in text or re.search(r"\d{5}", text):
            continue
        sentences.extend(re.split(r"(?<=[.!?])\s+", text))
    return sentences


def covered(redactions, start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies wholly inside the union of the redactions."""
    position = start
    for r in sorted(redactions, key=lambda r: r.start):
        if r.start <= position < r.end:
            position = r.end
        if position >= end:
            return True
    return position >= end


def recall(scrubber, cases: list[Case]) -> tuple[dict[str, list[int]], list[tuple[str, str, str]]]:
    """``({kind: [scrubbed, total]}, misses as (kind, source, missed text))``."""
    counts = {kind: [0, 0] for kind in KINDS}
    misses = []
    for case in cases:
        redactions = scrubber.scrub(case.text).redactions
        for kind, start, end in case.spans:
            counts[kind][1] += 1
            if covered(redactions, start, end):
                counts[kind][0] += 1
            else:
                misses.append((kind, case.source, case.text[start:end]))
    return counts, misses


def false_positives(scrubber, texts: list[str]) -> tuple[int, int, list[tuple[str, str]]]:
    """``(texts with any redaction, texts, examples as (kind, redacted text))``."""
    hit, examples = 0, []
    for text in texts:
        redactions = scrubber.scrub(text).redactions
        if redactions:
            hit += 1
            examples.extend((r.kind, text[r.start : r.end]) for r in redactions)
    return hit, len(texts), examples
