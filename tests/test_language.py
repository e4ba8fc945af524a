"""Language labels for comments the platform did not label."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import sources
from workbench.errors import WorkbenchError
from workbench.language import (
    _NOISE,
    _NOT_LETTERS,
    MIN_CONFIDENCE,
    MIN_LETTERS,
    UNDETERMINED,
    _line,
    _model,
    detect_languages,
    label_columns,
)

#: Awkward texts: many languages and scripts, mixed, long, noisy, nearly too short.
AWKWARD = [
    "I waited three hours at the walk-in centre and nobody told me anything.",
    "Czekałam cztery godziny na przyjęcie, to jest za długo.",
    "Roedd y staff yn garedig iawn ond roedd yr aros yn hir.",
    "Esperé tres horas en urgencias y nadie me explicó nada.",
    "Ich habe drei Stunden gewartet und niemand hat mir etwas gesagt.",
    "J'ai attendu trois heures aux urgences et personne ne m'a rien dit.",
    "Ho aspettato tre ore al pronto soccorso e nessuno mi ha detto niente.",
    "Eu esperei três horas na emergência e ninguém me disse nada.",
    "Ik heb drie uur gewacht en niemand heeft me iets verteld.",
    "Я ждала три часа в приёмном отделении, и никто ничего не сказал.",
    "Чекала три години у лікарні, і ніхто нічого не пояснив.",
    "救急外来で三時間待ちましたが、誰も何も教えてくれませんでした。",
    "我在急诊室等了三个小时，没有人告诉我任何事情。",
    "응급실에서 세 시간을 기다렸는데 아무도 아무것도 말해주지 않았어요.",
    "انتظرت ثلاث ساعات في قسم الطوارئ ولم يخبرني أحد بأي شيء.",
    "המתנתי שלוש שעות בחדר המיון ואף אחד לא אמר לי כלום.",
    "मैंने आपातकालीन विभाग में तीन घंटे इंतजार किया और किसी ने कुछ नहीं बताया।",
    "Acil serviste üç saat bekledim ve kimse bana bir şey söylemedi.",
    "Odotin päivystyksessä kolme tuntia eikä kukaan kertonut mitään.",
    "Várakoztam három órát a sürgősségin, és senki nem mondott semmit.",
    "Περίμενα τρεις ώρες στα επείγοντα και κανείς δεν μου είπε τίποτα.",
    "Tôi đã đợi ba tiếng ở phòng cấp cứu mà không ai nói gì.",
    "Nilisubiri saa tatu hospitalini na hakuna aliyeniambia chochote.",
    "@HelenaHCA @RiversideTrust thank you so much for your help today",
    "Look at this https://example.org/a/very/long/link?with=query and www.example.com #NHS",
    "#Gesundheit #Wartezeit @klinik_support Danke für gar nichts, wirklich super Service",
    "first line in English\nzweite Zeile auf Deutsch\ntroisième ligne en français",
    "Thanks mate 👍👍",
    "ok ok ok ok ok ok",
    "abcdefghijk",  # eleven letters: too short
    "abcdefghijkl",  # twelve
    "1234567890 12345678 !!!! ??? ... 😀😀😀",
    "___________________________________",
    "lol " * 300,
    ("The receptionist was lovely and explained the delay. " * 30)
    + "Pero después nadie me llamó.",
    "Das ist gut. " + "Esto es muy bueno y me gusta mucho. " * 40,
    "café naïve résumé Zażółć gęślą jaźń ½ ² Ⅻ",
    "Ⅻ Ⅻ Ⅻ Ⅻ ½½½½ ²²²² ³³³³",
    "",
    None,
]


def reference_labels(texts: list[str | None]) -> list[str | None]:
    """Labels as ``detect_languages`` gave them before batching: one fastText call a text."""
    predict = _model().f.predict
    out: list[str | None] = []
    for text in texts:
        words = text[:1000] if text else ""
        if "@" in words or "#" in words or "http" in words or "www." in words:
            words = NOISE.sub(" ", words)
        if (len(words) < MIN_LETTERS
                or len(_NOT_LETTERS.sub("", words[:400])) < MIN_LETTERS):
            out.append(None)
            continue
        result = predict(words.replace("\n", " ") + "\n", 1, 0.0, "replace")
        if result and result[0][0] >= MIN_CONFIDENCE:
            out.append(result[0][1].removeprefix("__label__"))
        else:
            out.append(None)
    return out


#: Mentions, hashtags and links, as first written (the module's is faster, the same).
NOISE = re.compile(r"(?:https?://|www\.)\S+|[@#][\w.@-]+", re.UNICODE)


def plain_line(text: str | None) -> str | None:
    """The line fastText is given for ``text``, by the rule as written (or ``None``)."""
    words = text[:1000] if text else ""
    if "@" in words or "#" in words or "http" in words or "www." in words:
        words = NOISE.sub(" ", words)
    if len(words) < MIN_LETTERS or len(_NOT_LETTERS.sub("", words[:400])) < MIN_LETTERS:
        return None
    return words.replace("\n", " ") + "\n"


#: Pieces that matter to that line: letters of several scripts, digits, numerals that
#: count as letters, emoji, spaces and line breaks, mentions, hashtags and links, and
#: long runs that cross the first look, the letter window and the cut.
_PIECES = st.sampled_from(
    ["a", "Z", "é", "ж", "語", "𝐀", "1", "½", "Ⅻ", "_", " ", "\n", "😀", "@bob", "#nhs", "@",
     "https://x.org/a", "http", "http:/", "www.x.org", "www.", "w", "h", "x@y.z", ".", "word ",
     "zażółć ", "1234567890 " * 5, "x" * 390, "y " * 300, "- " * 30]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.none(), st.lists(_PIECES, max_size=14).map("".join), st.text(max_size=60)))
def test_the_line_read_is_the_rule_as_written(text: str | None) -> None:
    assert _line(text) == plain_line(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=20).map("".join))
def test_noise_is_removed_as_first_written(text: str) -> None:
    assert _NOISE.sub(" ", text) == NOISE.sub(" ", text)


def _texts_of(folder: Path) -> list[str]:
    """Every text and title the loaders read from the files under ``folder``."""
    texts: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in {".json", ".js", ".jsonl", ".ndjson"}:
            continue
        try:
            frame = sources.read(path)
        except WorkbenchError:  # deliberately broken files
            continue
        texts.extend(frame["text"].tolist())
        texts.extend(title for title in frame["title"].tolist() if isinstance(title, str))
    return texts


def test_detects_common_languages() -> None:
    texts = [
        "I waited three hours at the walk-in centre and nobody told me anything.",
        "Czekałam cztery godziny na przyjęcie, to jest za długo.",
        "Roedd y staff yn garedig iawn ond roedd yr aros yn hir.",
        "Esperé tres horas en urgencias y nadie me explicó nada.",
    ]
    assert detect_languages(texts) == ["en", "pl", "cy", "es"]


def test_too_little_text_is_left_unlabelled() -> None:
    assert detect_languages(["+1", "😀😀😀", "", "@someone #nhs https://example.org/x"]) == [
        None, None, None, None,
    ]


def test_mentions_and_links_do_not_decide() -> None:
    text = "@HelenaHCA @RiversideTrust thank you so much for your help today"
    assert detect_languages([text]) == ["en"]


def test_batched_labels_match_one_call_a_text_on_awkward_texts() -> None:
    expected = reference_labels(AWKWARD)
    assert detect_languages(AWKWARD) == expected
    assert len({label for label in expected if label}) >= 15, "a multilingual sample"
    # Order and repetition do not matter: each text keeps its own label.
    shuffled = AWKWARD[::-1] + AWKWARD
    assert detect_languages(shuffled) == expected[::-1] + expected


def test_batched_labels_match_on_the_repository_exports(data_dir: Path) -> None:
    texts = _texts_of(data_dir) + _texts_of(Path(sources.__file__).parent.parent / "demo" / "data")
    assert len(texts) > 100
    assert detect_languages(texts) == reference_labels(texts)


def test_batched_labels_match_on_real_exports(shared_fixtures: Path) -> None:
    texts = _texts_of(shared_fixtures)
    assert len(texts) > 2000
    labels = detect_languages(texts)
    assert labels == reference_labels(texts)
    assert {"en", "de"} <= set(labels)


def test_a_lone_surrogate_does_not_stop_labelling() -> None:
    labels = detect_languages(["caf\ud800 and the waiting room was full all afternoon",
                               "Esperé tres horas en urgencias y nadie me explicó nada."])
    assert labels == ["en", "es"]


def _columns(texts: list[str], langs: list[str | None], deleted: list[bool]) -> dict[str, list]:
    return {"comment_id": [f"c{i}" for i in range(len(texts))], "text": texts,
            "lang": list(langs), "is_deleted": deleted}


def test_label_columns_fills_only_what_the_loader_left_open() -> None:
    columns = _columns(
        ["Esperé tres horas en urgencias y nadie me explicó nada.",
         "I waited three hours at the walk-in centre and nobody told me anything.",
         "+1",
         "",
         "Ich habe drei Stunden gewartet und niemand hat mir etwas gesagt."],
        [None, "fr", None, None, None],
        [False, False, False, True, False],
    )
    assert label_columns(columns) == 4
    assert columns["lang"] == ["es", "fr", UNDETERMINED, UNDETERMINED, "de"], (
        "a platform's label is kept; too short, or a deleted row's empty text, is 'und'"
    )


def test_label_columns_by_range() -> None:
    texts = AWKWARD[:-1]  # a row's text is never None
    whole = _columns(texts, [None] * len(texts), [False] * len(texts))
    label_columns(whole)
    parts = _columns(texts, [None] * len(texts), [False] * len(texts))
    assert label_columns(parts, 0, 5) == 5
    assert parts["lang"][5:] == [None] * (len(texts) - 5)
    label_columns(parts, 5)
    assert parts["lang"] == whole["lang"]
    assert whole["lang"] == [lang or UNDETERMINED for lang in reference_labels(texts)]


@pytest.mark.parametrize("text", ["abcdefghijk", "a1b2c3d4e5f6g7h8i9j0k", "________abcdefghijk"])
def test_eleven_letters_are_too_few(text: str) -> None:
    assert detect_languages([text]) == [None]
