"""Tests of workbench.publish.scrub: the rules, offsets, offline use, and privacy recall.

The recall set is described in tests/privacy_support.py: labels that point into
../shared/fixtures (skipped when absent) plus a synthetic set that always runs.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests import privacy_support as ps
from workbench.publish.scrub import Redaction, Scrubbed, Scrubber

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def scrubber() -> Scrubber:
    return Scrubber(
        [
            "spez",
            "Jane Smith",
            "nurse",
            "the",
            "well-being",
            "jo",
            "1984",
            "@admin@localhost:3000",
            "@kemi@mastodon.social",
            "ReadsHisComment",
            "nurse_jo",
            "u/Prefixed_Name",
            None,  # a deleted author
        ]
    )


def _kinds(result: Scrubbed) -> list[str]:
    return [r.kind for r in result.redactions]


def test_distinctive_handles_are_scrubbed_everywhere(scrubber: Scrubber) -> None:
    text = "RIP readshiscomment, thanks nurse_jo and SPEZ, spez'ed again, Prefixed_Name"
    result = scrubber.scrub(text)
    assert result.text == (
        "RIP [username], thanks [username] and [username], [username]'ed again, [username]"
    )
    assert _kinds(result) == ["username"] * 5


def test_common_word_handles_only_as_mentions(scrubber: Scrubber) -> None:
    text = "The nurse said the well-being of jo matters in 1984."
    assert scrubber.scrub(text).text == text
    result = scrubber.scrub("Ask @nurse or u/the or /u/well-being or @jo or +1984")
    assert result.text == "Ask [username] or [username] or [username] or [username] or [username]"


def test_mastodon_local_part_only_as_a_mention(scrubber: Scrubber) -> None:
    assert scrubber.scrub("an admin replied").text == "an admin replied"
    result = scrubber.scrub("@admin and @admin@localhost:3000 and kemi@mastodon.social")
    assert result.text == "[username] and [username] and [username]"
    result = scrubber.scrub("boosted by @someone@fosstodon.org, cc @Other_1@a.b.social.")
    assert result.text == "boosted by [username], cc [username]."
    assert _kinds(result) == ["mention", "mention"]


def test_display_names_with_spaces(scrubber: Scrubber) -> None:
    result = scrubber.scrub("Jane Smith said so, and jane  smith again; @Jane Smith too")
    assert result.text == "[username] said so, and [username] again; [username] too"
    assert scrubber.scrub("Jane Smithers").text == "Jane Smithers"


def test_mentions_of_unknown_users(scrubber: Scrubber) -> None:
    result = scrubber.scrub("RT @someone_else: hi /u/Unknown-User and u/x1, mail a@b.com")
    assert result.text == "RT [username]: hi [username] and [username], mail [email]"
    assert _kinds(result) == ["mention", "mention", "mention", "email"]


def test_offsets_are_in_the_original_text(scrubber: Scrubber) -> None:
    text = "Call 01632 960418, see www.example.org/x. or mail jo@example.co.uk — /u/spez"
    result = scrubber.scrub(text)
    found = [(r.kind, text[r.start : r.end]) for r in result.redactions]
    assert found == [
        ("phone", "01632 960418"),
        ("url", "www.example.org/x"),
        ("email", "jo@example.co.uk"),
        ("username", "/u/spez"),
    ]
    assert result.redacted
    assert result.redactions[0] == Redaction("phone", 5, 17)
    assert result.redactions[0].placeholder == "[phone number]"


@pytest.mark.parametrize(
    "phone",
    [
        "01632 960418",
        "+44 7700 900123",
        "(555) 123-4567",
        "07700900123",
        "+44 (0)20 7946 0958",
        "1-800-555-0199",
        "+49 30 901820",
        "555.123.4567",
    ],
)
def test_phone_numbers(scrubber: Scrubber, phone: str) -> None:
    assert scrubber.scrub(f"ring {phone} today").text == "ring [phone number] today"


@pytest.mark.parametrize(
    "url",
    [
        "www.example.org",
        "example.co.uk/path?x=1",
        "bit.ly/x",
        "https://en.wikipedia.org/wiki/Mercury_(planet)",
        "http://localhost:3000/@admin/1",
        "http://192.168.0.1/admin",
    ],
)
def test_links(scrubber: Scrubber, url: str) -> None:
    assert scrubber.scrub(f"see {url}.").text == "see [link]."


def test_markdown_link_keeps_its_brackets(scrubber: Scrubber) -> None:
    assert scrubber.scrub("[here](https://x.com/a/b).").text == "[here]([link])."


@pytest.mark.parametrize("text", ps.NEGATIVES)
def test_ordinary_text_is_left_alone(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == Scrubbed(text, ())


def test_idempotent(scrubber: Scrubber) -> None:
    rng = random.Random(3)
    cases = ps.synthetic_cases(ps.FALLBACK_SENTENCES, ps.synthetic_usernames(rng), n=40)
    for case in cases:
        once = scrubber.scrub(case.text).text
        assert scrubber.scrub(once).text == once, case.text
    placeholders = "[username] [email] [link] [phone number]"
    assert Scrubber(["username", "link", "phone number"]).scrub(placeholders).text == placeholders


def test_bad_input_says_what_was_wrong(scrubber: Scrubber) -> None:
    with pytest.raises(TypeError, match="takes a string, not int"):
        scrubber.scrub(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="wrap a single name in a list"):
        Scrubber("spez")
    assert scrubber.scrub("") == Scrubbed("", ())
    assert not Scrubber().scrub("nothing here").redacted


def test_import_is_light_and_scrubbing_never_touches_the_network() -> None:
    """In a fresh process: the import loads no Presidio, spaCy or torch; with sockets
    and name lookups refused, building a scrubber and scrubbing still work."""
    script = """
import json, socket, sys
import workbench.publish.scrub as scrub
heavy = sorted(m for m in ("presidio_analyzer", "spacy", "torch") if m in sys.modules)
def refuse(*args, **kwargs):
    raise OSError("network access attempted")
socket.socket.connect = refuse
socket.getaddrinfo = refuse
socket.create_connection = refuse
result = scrub.Scrubber(["spez"]).scrub("mail jo@example.co.uk, see bit.ly/x, u/spez")
print(json.dumps({"heavy": heavy, "text": result.text}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "network access attempted" not in done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == {"heavy": [], "text": "mail [email], see [link], [username]"}


def _assert_recall(counts: dict[str, list[int]], misses: list) -> None:
    def rate(kind: str) -> float:
        hit, total = counts[kind]
        return hit / total if total else 1.0

    assert rate("username") == 1.0, misses
    for kind in ("email", "url", "phone", "mention"):
        assert rate(kind) >= 0.99, (kind, counts[kind], misses)


def test_synthetic_recall(scrubber: Scrubber) -> None:
    names = ps.synthetic_usernames(random.Random(0))
    cases = ps.synthetic_cases(ps.FALLBACK_SENTENCES, names, n=300, seed=1)
    counts, misses = ps.recall(Scrubber(names), cases)
    assert all(counts[kind][1] == 300 for kind in ("username", "email", "url", "phone"))
    _assert_recall(counts, misses)


def test_fixture_recall_and_false_positives(shared_fixtures: Path) -> None:
    """100 % of the fixtures' own usernames, >= 99 % of the rest, labelled + synthetic."""
    comments = ps.read_fixture_comments(shared_fixtures)
    names = ps.synthetic_usernames(random.Random(0))
    scrubber = Scrubber([*ps.fixture_usernames(comments), *names])
    labelled = ps.labelled_cases(comments)
    synthetic = ps.synthetic_cases(ps.care_opinion_sentences(comments), names, n=300, seed=2)
    counts, misses = ps.recall(scrubber, labelled + synthetic)
    assert counts["username"][1] >= 340 and counts["mention"][1] >= 1000
    _assert_recall(counts, misses)
    hit, total, examples = ps.false_positives(scrubber, ps.clean_texts(comments))
    assert hit / total <= 0.01, examples
