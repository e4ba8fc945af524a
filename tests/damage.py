"""What a loader must do with damaged input: reject it, report it, or show it.

The fuzz tests damage a good export (a *seed*) and load the result. Not raising
anything but a :class:`~workbench.errors.WorkbenchError` is not enough: a damaged
file that imports exactly as if it were fine hides the damage from the analyst. So
:func:`check` asks, of every damaged input, that

1. the loader raised a ``WorkbenchError`` whose message names the file; or
2. the damage was reported: a ``skipped`` or ``flagged`` entry, gap or warning that
   the seed's own load does not have; or
3. the damaged input is still well-formed (it parses) and the comments read from it
   differ from the seed's (the output reflects the change), without silent losses:
   no row of the seed vanishes, and no known time or text (nor, when a value was
   replaced by one of another JSON type, a known author, title, score or url)
   becomes unknown. Losses are allowed only where the damage itself removed
   something: a value replaced by "nothing" (``null``, ``""``, ``false``, ``0``,
   ``[]``, ``{}``, a key gone, a table column renamed away) or the file cut short
   (which at a record boundary leaves a valid, shorter file); or
4. the damage is provably harmless, and then the load must equal the seed's: the
   damaged document equals the seed once parsed (whitespace), or every change is
   harmless: the new value means the same (``1 == 1.0``, "nothing" for "nothing"),
   is "nothing" where the loader has a default that coincides, sits in a table row
   the seed's load skipped, or is in a field the loader does not read (a *probe*,
   changing that field of the seed to another value of the same type, leaves the
   load untouched too).

A damaged input that does not parse at all (cut-off JSON, a broken JSON line,
random bytes) must take branch 1 or 2.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
from hypothesis import HealthCheck, settings

from workbench.errors import WorkbenchError
from workbench.frames import as_comments_frame, empty_comments
from workbench.sources import ColumnMapping, iter_batches
from workbench.sources.finish import FINISHED_COLUMNS

#: Stands for an absent key in a diff.
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()
#: The path of an X archive's ``window.YTD.<name>.partN =`` name in a diff.
LABEL = ("<window.YTD name>",)
#: The file name every damaged input is written under (messages must name it).
FILE_STEM = "export"
#: Columns whose known value must never silently become unknown.
STRICT_COLUMNS = ("created_at", "text")
#: Columns whose known value must not become unknown when a value was replaced by one
#: of another JSON type. (They may when a value changes within its type: a changed
#: ``author_id`` that ``includes.users`` does not list leaves the author unknown.)
#: ``lang`` is left out on purpose: a code the platform cannot map (``und``,
#: ``qme``, a made-up one) means "no language" by design; derived columns (depth,
#: thread, kind) follow from other fields.
TYPED_COLUMNS = ("author", "title", "score", "url")
_YTD = re.compile(rb"^\s*window\.YTD\.(\w+)\.part\d+\s*=")
_ROW_REF = re.compile(r"^row (\d+)\b")
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


#: Settings of the property tests that damage inputs. They draw the same examples on
#: every run (``derandomize``), so the suite is stable and a failure reproduces; set
#: ``WORKBENCH_FUZZ_EXPLORE=1`` to draw new ones, and ``WORKBENCH_FUZZ_SCALE=10`` for
#: ten times as many, when hunting for new bugs.
FUZZ = settings(
    deadline=None,
    derandomize=not os.environ.get("WORKBENCH_FUZZ_EXPLORE"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def examples(count: int) -> int:
    """``count`` examples, scaled by ``WORKBENCH_FUZZ_SCALE``."""
    return max(1, round(count * float(os.environ.get("WORKBENCH_FUZZ_SCALE", "1"))))


# --------------------------------------------------------------------------- loading


@dataclass
class Outcome:
    """What loading one file gave: an error message, or rows and reports."""

    error: str | None = None
    frame: pd.DataFrame = field(default_factory=empty_comments)
    skipped: list = field(default_factory=list)
    flagged: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def reports(self) -> Counter:
        """Every skipped and flagged entry, gap and warning, as a multiset."""
        keys = [("skipped", tuple(s)) for s in self.skipped]
        keys += [("flagged", tuple(s)) for s in self.flagged]
        keys += [("gap", orjson.dumps(g, option=orjson.OPT_SORT_KEYS)) for g in self.gaps]
        keys += [("warning", w) for w in self.warnings]
        return Counter(keys)

    def same_as(self, other: Outcome) -> bool:
        """Whether both loads gave the same result (equal errors, rows and reports)."""
        if self.error is not None or other.error is not None:
            return self.error == other.error
        return self.reports() == other.reports() and self.frame.equals(other.frame)

    def skipped_rows(self) -> set[int]:
        """Table rows (``row N`` references, the header being row 1) that were skipped."""
        return {int(m.group(1)) for _, ref in self.skipped if (m := _ROW_REF.match(ref))}

    def describe(self) -> str:
        if self.error is not None:
            return f"error: {self.error}"
        return (
            f"{len(self.frame)} rows, skipped={self.skipped!r:.200}, "
            f"flagged={self.flagged!r:.200}, gaps={len(self.gaps)}, "
            f"warnings={self.warnings!r:.200}"
        )


def load(
    path: Path, name: str, mapping: ColumnMapping | None = None, batch_size: int = 7
) -> Outcome:
    """Load ``path`` as format ``name`` in small batches; catch only WorkbenchError."""
    try:
        _, batches = iter_batches(path, name, mapping=mapping, batch_size=batch_size)
        merged: dict[str, list] = {column: [] for column in FINISHED_COLUMNS}
        outcome = Outcome()
        for columns, batch in batches:
            for column in FINISHED_COLUMNS:
                merged[column].extend(columns[column])
            outcome.skipped.extend(batch.skipped)
            outcome.flagged.extend(getattr(batch, "flagged", ()))
            outcome.gaps.extend(batch.gaps)
            outcome.warnings.extend(batch.warnings)
        if merged["comment_id"]:
            outcome.frame = as_comments_frame(merged)
        return outcome
    except WorkbenchError as error:
        return Outcome(error=str(error))


def load_bytes(
    data: bytes, name: str, suffix: str, mapping: ColumnMapping | None = None
) -> Outcome:
    """Write ``data`` to a fresh ``export<suffix>`` and load it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{FILE_STEM}{suffix}"
        path.write_bytes(data)
        return load(path, name, mapping)


# --------------------------------------------------------------------------- values


def nothing(value: Any) -> bool:
    """Whether ``value`` is one of the ways exports write "nothing here"."""
    if value is MISSING or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()  # Python strips control "spaces" such as \x1e too
    if isinstance(value, bool | int | float | list | dict):
        return not value
    return False


def json_type(value: Any) -> str:
    if value is None or value is MISSING:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def equivalent(old: Any, new: Any) -> bool:
    """Whether ``new`` means what ``old`` meant (equal, both "nothing", the same time)."""
    if nothing(old) and nothing(new):
        return True
    if isinstance(old, bool):  # flags are read by truthiness: a leniency, not a loss
        return bool(new) == old
    if json_type(old) != json_type(new):
        return False
    if isinstance(old, list | dict):
        return orjson.dumps(old) == orjson.dumps(new)
    return old == new or (isinstance(old, str) and same_time(old, new))


def same_time(old: str, new: str) -> bool:
    """Whether two ISO-like date-times plausibly name the same moment.

    They do when only their separators differ (``2026-11-20T10:15`` and
    ``2026-11-20 10:15``), or when pandas reads them as the same millisecond
    (``2022-10-03T17:57:11.000Z`` and ``2022-10-03T17:57:11.0001``: a time without a
    zone is UTC, and times are kept to the millisecond).
    """
    if not (_ISO_DATE.match(old) and _ISO_DATE.match(new)):
        return False
    if re.findall(r"\d+", old) == re.findall(r"\d+", new):
        return True
    try:
        times = [pd.Timestamp(value) for value in (old, new)]
    except (ValueError, OverflowError, TypeError):
        return False
    utc = [t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC") for t in times]
    return utc[0].floor("ms") == utc[1].floor("ms")


def diff(old: Any, new: Any, path: tuple = ()) -> list[tuple[tuple, Any, Any]]:
    """``(path, old value, new value)`` of every difference between two JSON values."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            out.extend(diff(old.get(key, MISSING), new.get(key, MISSING), (*path, key)))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            out.extend(diff(a, b, (*path, index)))
        return out
    if old is MISSING or new is MISSING:
        return [] if old is new else [(path, old, new)]
    same = json_type(old) == json_type(new) and (
        orjson.dumps(old) == orjson.dumps(new) if isinstance(old, list | dict) else old == new
    )
    return [] if same else [(path, old, new)]


def get(value: Any, path: tuple) -> Any:
    """The value at ``path``, or MISSING."""
    for key in path:
        if isinstance(value, dict):
            value = value.get(key, MISSING)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return MISSING
    return value


def replace(value: Any, path: tuple, new: Any) -> Any:
    """A copy of ``value`` with the item at ``path`` set to ``new`` (MISSING deletes)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        if rest or new is not MISSING:
            copy[head] = replace(value.get(head), rest, new)
        else:
            copy.pop(head, None)
        return copy
    copy = list(value)
    copy[head] = replace(copy[head], rest, new)
    return copy


def perturb(value: Any) -> Any:
    """Another value of the same JSON type (what a probe writes)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value - 1 if value > 0 else value + 1
    if isinstance(value, float):
        return value + 1.5
    if isinstance(value, str):
        return value + "~probe"
    if isinstance(value, list):
        return [] if value else ["~probe"]
    if isinstance(value, dict):
        return {} if value else {"~probe": "~probe"}
    return "~probe"  # null or missing: text is the commonest type of a nullable field


# --------------------------------------------------------------------------- parsing

#: Marks the second and later copies of a key repeated in one JSON object (real
#: Mastodon outboxes repeat ``orderedItems``): ``"orderedItems\x00#2"``.
_REPEAT = "\x00#"


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        name, n = key, 1
        while name in out:
            n += 1
            name = f"{key}{_REPEAT}{n}"
        out[name] = value
    return out


def loads(data: bytes) -> Any:
    """Parse JSON exactly as strictly as the loaders (orjson), keeping repeated keys.

    Raises ``ValueError`` if ``data`` is not valid JSON.
    """
    orjson.loads(data)  # the loaders' parser decides what is valid
    return json.loads(data, object_pairs_hook=_pairs)


def dumps(value: Any) -> bytes:
    """Serialise what :func:`loads` returns (repeated keys written again; orjson-like)."""
    return _dump(value).encode()


def _dump(value: Any) -> str:
    if isinstance(value, dict):
        items = (f"{json.dumps(k.split(_REPEAT)[0])}:{_dump(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return "null"  # as orjson writes it
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Parsed:
    """A file's content as the workbench's loaders see its structure.

    ``kind`` is ``"json"`` (one document, after an X archive's ``window.YTD...=``
    prefix, whose name is kept in ``label``), ``"lines"`` (JSON lines; ``value`` is
    the list of non-blank lines' values) or ``"table"`` (CSV; ``value`` is the list
    of non-blank rows, the header first). A key repeated in one object is kept
    (see :func:`loads`).
    """

    kind: str
    value: Any
    label: str | None = None


def parse_as(kind: str, data: bytes) -> Parsed | None:
    """Parse ``data`` in the syntax ``kind``; ``None`` if it is not well-formed."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if kind == "json":
        body, label = data, None
        match = _YTD.match(body)
        if match:
            label, body = match.group(1).decode(), body[match.end() :]
        try:
            return Parsed("json", loads(body), label)
        except ValueError:
            return None
    if kind == "lines":
        values = []
        for line in data.split(b"\n"):
            if line.strip():
                try:
                    values.append(loads(line))
                except ValueError:
                    return None
        return Parsed("lines", values)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # the table loaders' fallback
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    except csv.Error:
        return None
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return None  # a quote left open runs to the end of the file: not a table
    return Parsed("table", rows)


def parse_seed(data: bytes) -> Parsed:
    """Parse a seed file: one JSON document, JSON lines, or else a table."""
    for kind in ("json", "lines", "table"):
        parsed = parse_as(kind, data)
        if parsed is not None and (kind != "lines" or parsed.value):
            return parsed
    raise AssertionError("a seed must be JSON, JSON lines or a UTF-8 table")


def serialise(parsed: Parsed) -> bytes:
    if parsed.kind == "json":
        prefix = f"window.YTD.{parsed.label}.part0 = ".encode() if parsed.label else b""
        return prefix + dumps(parsed.value)
    if parsed.kind == "lines":
        return b"".join(dumps(v) + b"\n" for v in parsed.value)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(parsed.value)
    return out.getvalue().encode()


# --------------------------------------------------------------------------- seeds


@dataclass
class Damage:
    """One damaged input and what is known about it."""

    data: bytes
    description: str
    #: The load the damaged one is compared with.
    reference: Outcome
    #: Whether the input is not even well-formed, so it must be rejected or reported.
    must_reject: bool = False
    #: Whether the damage removed something (a value, a key, a column, the file's
    #: end), so rows or known values may vanish with it.
    losses_allowed: bool = False
    #: Whether a value was replaced by one of another JSON type.
    retyped: bool = False
    #: Whether the damage says nothing new (evaluated only when the load is unchanged).
    harmless: Callable[[], bool] = field(default=lambda: False)


class Seed:
    """A good export file in one format, its load, and probes of which fields count."""

    def __init__(
        self,
        name: str,
        data: bytes,
        suffix: str,
        mapping: ColumnMapping | None = None,
        origin: str = "",
    ) -> None:
        self.name, self.data, self.suffix, self.mapping = name, data, suffix, mapping
        self.origin = origin
        self.parsed = parse_seed(data)
        self.baseline = self.load(data)
        self._canonical: Outcome | None = None
        self._probes: dict[tuple, bool] = {}

    def __repr__(self) -> str:
        return f"Seed({self.name}, {self.origin or f'{len(self.data)} bytes'})"

    def load(self, data: bytes) -> Outcome:
        return load_bytes(data, self.name, self.suffix, self.mapping)

    @property
    def table(self) -> bool:
        return self.parsed.kind == "table"

    def with_value(self, path: tuple, new: Any) -> bytes:
        """The seed's bytes with the value at ``path`` replaced (re-serialised)."""
        if path == LABEL:
            return serialise(Parsed(self.parsed.kind, self.parsed.value, new))
        value = replace(self.parsed.value, path, new)
        return serialise(Parsed(self.parsed.kind, value, self.parsed.label))

    @property
    def canonical(self) -> Outcome:
        """The load of the re-serialised seed, which value damages are compared with."""
        if self._canonical is None:
            self._canonical = self.load(serialise(self.parsed))
        return self._canonical

    def _probe(self, path: tuple, new: Any) -> bool:
        """Whether the seed with ``new`` at ``path`` loads exactly like the seed."""
        key = (*path, "=", repr(new))
        if key not in self._probes:
            try:
                data = self.with_value(path, new)
            except (TypeError, IndexError, KeyError):
                self._probes[key] = False
            else:
                self._probes[key] = self.load(data).same_as(self.canonical)
        return self._probes[key]

    def unread(self, path: tuple) -> bool:
        """Whether the loader ignores the field at ``path``: a same-type change shows nowhere.

        Or the field is redundant: removing it shows nowhere either (the loader
        derives the same value from the rest of the record, as a Reddit comment's
        ``permalink`` from its post's, or an outbox note's author from the actor).
        """
        if self.table or not path:
            return False
        if path == LABEL:
            return self._probe(LABEL, f"{self.parsed.label}probe")
        return self._probe(path, perturb(get(self.parsed.value, path))) or self._probe(
            path, MISSING
        )

    def harmless_change(self, path: tuple, old: Any, new: Any) -> bool:
        """Whether changing ``old`` at ``path`` into ``new`` is harmless if nothing shows."""
        if equivalent(old, new) or nothing(new):
            return True
        if self.table:
            # the header (row 1; the column was not needed), a row the seed's load
            # skipped, or a cell that reads the same (only punctuation changed: a date's
            # separators)
            if not path or path[0] == 0 or path[0] + 1 in self.baseline.skipped_rows():
                return bool(path)
            return len(path) == 2 and _alnum(old) == _alnum(new)
        return self.unread(path)

    def changes(self, data: bytes) -> list[tuple[tuple, Any, Any]] | None:
        """What ``data`` changes in the seed's parsed content; ``None`` if it does not parse."""
        parsed = parse_as(self.parsed.kind, data)
        if parsed is None:
            return None
        out = diff(self.parsed.value, parsed.value)
        if parsed.label != self.parsed.label:
            out.append((LABEL, self.parsed.label, parsed.label))
        return out

    def byte_damage(self, data: bytes, description: str, *, cut: bool = False) -> Damage:
        """A damage made by changing bytes (``cut``: by cutting the file short)."""
        changes = self.changes(data)
        if changes is None:
            return Damage(data, description, self.baseline, must_reject=True)
        # A loss cannot be traced to one change: any removal among them allows losses.
        removal = any(self._removes(*c) for c in changes)
        return Damage(
            data,
            description,
            self.baseline,
            losses_allowed=cut or removal,
            retyped=any(_retypes(old, new) for _, old, new in changes),
            harmless=lambda: len(changes) <= 6 and all(self.harmless_change(*c) for c in changes),
        )

    def value_damage(self, path: tuple, new: Any) -> Damage:
        """The seed with the value at ``path`` replaced by ``new``."""
        old = get(self.parsed.value, path)
        if not self.table:
            new = loads(dumps(new))  # what the file says (an infinite float is written null)
        return Damage(
            self.with_value(path, new),
            f"{'.'.join(map(str, path)) or '$'}: {old!r:.80} -> {new!r:.80}",
            self.canonical,
            losses_allowed=self._removes(path, old, new),
            retyped=_retypes(old, new),
            harmless=lambda: self.harmless_change(path, old, new),
        )

    def _removes(self, path: tuple, old: Any, new: Any) -> bool:
        """Whether a change only removes: "nothing" written, a key added or renamed away."""
        if old is MISSING or nothing(new):
            return True
        return self.table and bool(path) and path[0] == 0  # a column renamed away


def _alnum(value: Any) -> str:
    return "".join(c for c in str(value) if c.isalnum())


def _retypes(old: Any, new: Any) -> bool:
    return old is not MISSING and not nothing(new) and json_type(old) != json_type(new)


# --------------------------------------------------------------------------- the check


def silent_losses(damaged: Outcome, reference: Outcome, *, retyped: bool) -> list[str]:
    """Rows of the reference that vanished, and known values that became unknown."""
    before = reference.frame.drop_duplicates("comment_id").set_index("comment_id")
    after = damaged.frame.drop_duplicates("comment_id").set_index("comment_id")
    out = []
    if len(after) < len(before):
        out.append(f"{len(before) - len(after)} row(s) vanished")
    columns = STRICT_COLUMNS + (TYPED_COLUMNS if retyped else ())
    for cid in before.index.intersection(after.index):
        for column in columns:
            was, now = before.at[cid, column], after.at[cid, column]
            if not pd.isna(was) and was != "" and (pd.isna(now) or now == ""):
                out.append(f"{cid}.{column} {was!r:.60} became unknown")
    return out


def check(outcome: Outcome, damage: Damage, seed: object = None) -> None:
    """Assert that ``outcome`` (the load of ``damage``) rejected, reported or showed it."""
    reference = damage.reference
    context = f"{damage.description}; seed {seed!r:.200}; got {outcome.describe()}"
    if outcome.error is not None:
        assert FILE_STEM in outcome.error, f"the message must name the file: {outcome.error}"
        return
    if outcome.reports() - reference.reports():
        return  # a skipped or flagged entry, gap or warning was added: reported
    assert not damage.must_reject, f"malformed input imported without a word: {context}"
    if outcome.same_as(reference):
        assert damage.harmless(), f"damaged input imported exactly as if it were fine: {context}"
        return
    if not damage.losses_allowed:
        losses = silent_losses(outcome, reference, retyped=damage.retyped)
        assert not losses, f"damage silently lost data ({'; '.join(losses[:3])}): {context}"


def random_path(rng: random.Random, value: Any, depth: int, stop: float) -> tuple:
    """A random path into ``value``: up to ``depth`` steps, stopping early with ``stop``."""
    path: tuple = ()
    for _ in range(rng.randint(1, depth)):
        keys = list(value) if isinstance(value, dict) else list(range(len(value)))
        if not keys:
            break
        key = rng.choice(keys)
        path += (key,)
        value = value[key]
        if rng.random() < stop or not isinstance(value, dict | list):
            break
    return path


def check_value(seed: Seed, path: tuple, new: Any) -> None:
    """Replace the value at ``path`` of ``seed`` by ``new``, load it and :func:`check` it."""
    damage = seed.value_damage(path, new)
    check(seed.load(damage.data), damage, seed)
