"""Property-based tests: every loader, fed damaged input, rejects it, reports it or shows it.

Seeds are small, good export files of every format: the hand-written ones in
tests/data (every registered format must have one; generic tables are read with
their mapping from ``CSV_MAPPINGS``) and the small real ones in ../shared/fixtures
when that folder is present. Hypothesis cuts them short, changes
bytes, swaps JSON values for values of other types and throws random bytes. Each
loader must then raise a WorkbenchError naming the file, or report the damage
(``skipped``, gaps, warnings), or give comments that visibly differ from the seed's
without silently losing rows or known values; a damaged file may load exactly like
its seed only when the damage is provably harmless. See :mod:`tests.damage`.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.sources import LOADERS, ColumnMapping, detect
from workbench.sources.fileio import read_bytes

from .conftest import DATA, SHARED_FIXTURES
from .damage import FUZZ, Damage, Seed, check, examples

MAX_SEED_BYTES = 600 * 1024
SEEDS_PER_FORMAT = 2
#: Formats read as tables; every other format is JSON or JSON lines.
TABLE_FORMATS = {"csv", "youtube-takeout"}
#: Generic tables have no fixed columns: the mapping of each hand-written table that
#: seeds the "csv" format (comma-separated, as tests.damage parses tables).
CSV_MAPPINGS = {
    "clinic_visits.csv": ColumnMapping(
        text_column="text", id_column="id", time_column="when", author_column="who"
    ),
    "survey_bom_crlf.csv": ColumnMapping(
        text_column="answer",
        id_column="response_id",
        time_column="submitted",
        author_column="respondent",
    ),
}
#: Compressions the loaders open by their magic number.
PACKERS = {
    "gzip": gzip.compress,
    "bzip2": bz2.compress,
    "xz": lzma.compress,
    "zstandard": lambda data: zstandard.ZstdCompressor(level=3).compress(data),
}


def _seed(path: Path, name: str, mapping: ColumnMapping | None = None) -> Seed | None:
    """A seed from ``path`` if it is a good file of format ``name`` (loads to rows)."""
    if path.stat().st_size <= MAX_SEED_BYTES:
        data = read_bytes(path)
    elif path.suffix in (".jsonl", ".ndjson"):
        data = b"".join(read_bytes(path).splitlines(keepends=True)[:5])
    else:
        return None
    try:
        origin = str(path.relative_to(path.parents[1]))
        seed = Seed(name, data, path.suffix, mapping, origin=origin)
    except AssertionError:  # not parseable as JSON / JSON lines / a table
        return None
    usable = seed.baseline.error is None and len(seed.baseline.frame) > 0
    return seed if usable and (seed.parsed.kind == "table") == (name in TABLE_FORMATS) else None


def _seeds(roots: list[Path]) -> dict[str, list[Seed]]:
    found: dict[str, list[Seed]] = defaultdict(list)
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            try:
                name = detect(path)
            except WorkbenchError:
                continue
            mapping = CSV_MAPPINGS.get(path.name) if root == DATA else None
            if name == "csv" and mapping is None:
                continue  # a generic table without a known mapping is no seed
            seed = _seed(path, name, mapping)
            if seed is not None:
                found[name].append(seed)
    return found


def _smallest(seeds: list[Seed], count: int) -> list[Seed]:
    return sorted(seeds, key=lambda seed: len(seed.data))[:count]


HAND_WRITTEN = _seeds([DATA])
REAL = _seeds([SHARED_FIXTURES]) if SHARED_FIXTURES.is_dir() else {}
#: Per format, the smallest hand-written seed and the smallest real one (or, without
#: real ones, the two smallest hand-written).
SEEDS = {
    name: _smallest(seeds, 1) + _smallest(REAL.get(name, []), 1)
    if REAL.get(name)
    else _smallest(seeds, SEEDS_PER_FORMAT)
    for name, seeds in HAND_WRITTEN.items()
}
FORMATS = sorted(LOADERS)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*prefix, index)))
    return out


@st.composite
def damaged(draw: st.DrawFn, seed: Seed) -> Damage:
    data = seed.data
    table = seed.parsed.kind == "table"
    kind = draw(st.sampled_from(["truncate", "flip", "retype", "noise", "packed-cut"]))
    if kind == "truncate":
        cut = draw(st.integers(0, max(0, len(data) - 1)))
        return seed.byte_damage(data[:cut], f"cut to {cut} of {len(data)} bytes", cut=True)
    if kind == "flip":
        changed = bytearray(data)
        spots = []
        for _ in range(draw(st.integers(1, 4))):
            spot, byte = draw(st.integers(0, len(data) - 1)), draw(st.integers(0, 255))
            spots.append((spot, bytes(changed[spot : spot + 1]), bytes([byte])))
            changed[spot] = byte
        return seed.byte_damage(bytes(changed), f"bytes changed (offset, was, now): {spots}")
    if kind == "packed-cut":  # a compressed export cut short (an interrupted download)
        packer = draw(st.sampled_from(sorted(PACKERS)))
        packed = PACKERS[packer](data)
        cut = draw(st.integers(6, len(packed) - 1))
        description = f"{packer} file cut to {cut} of {len(packed)} bytes"
        return Damage(packed[:cut], description, seed.baseline, must_reject=True)
    if kind == "noise":
        out = draw(st.binary(max_size=300))
        if table:  # random bytes are some table, but never one with the format's columns
            return Damage(out, f"random bytes {out!r:.80}", seed.baseline, must_reject=True)
        return seed.byte_damage(out, f"random bytes {out!r:.80}", cut=True)
    if table:  # a table's "retype": one cell gets another text
        rows = seed.parsed.value
        row = draw(st.integers(0, len(rows) - 1))
        cell = draw(st.integers(0, len(rows[row]) - 1))
        new = draw(st.text(max_size=12))
        return seed.value_damage((row, cell), new)
    paths = _paths(seed.parsed.value)
    if seed.parsed.kind == "lines":
        paths = [p for p in paths if p]  # the root is the list of lines, not a value
    return seed.value_damage(draw(st.sampled_from(paths)), draw(json_values))


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_has_a_hand_written_seed(name: str) -> None:
    assert HAND_WRITTEN.get(name), (
        f"no good example of format {name!r} in {DATA} (a file that is detected as "
        f"{name!r} and loads to rows; a generic table also needs its mapping in "
        f"CSV_MAPPINGS): write a small, awkward one by hand"
    )


@pytest.mark.parametrize("name", FORMATS)
@settings(FUZZ, max_examples=examples(60))
@given(data=st.data())
def test_damaged_input_is_rejected_reported_or_visible(name: str, data: st.DataObject) -> None:
    seeds = SEEDS.get(name)
    assert seeds, f"no seed for {name!r} (see test_every_format_has_a_hand_written_seed)"
    seed = data.draw(st.sampled_from(seeds))
    damage = data.draw(damaged(seed))
    check(seed.load(damage.data), damage, seed)


@settings(FUZZ, max_examples=examples(100))
@given(st.binary(max_size=500))
def test_format_detection_never_crashes(blob: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "unknown.json"
        path.write_bytes(blob)
        try:
            assert detect(path) in LOADERS
        except WorkbenchError as error:
            assert "unknown.json" in str(error)


def test_csv_with_a_quote_left_open_is_not_read_silently() -> None:
    # Found by the damage test above: a quoted cell whose closing quote is lost (or a
    # file cut inside one) swallows every later row into that cell, without a word.
    mapping = ColumnMapping(text_column="text", id_column="id")
    seed = Seed("csv", b'id,text\r\n1,"a ""quoted"" cell"\r\n2,second\r\n3,third\r\n', ".csv",
                mapping)  # fmt: skip
    damaged = seed.data.replace(b'cell"', b"cell")
    check(seed.load(damaged), seed.byte_damage(damaged, "closing quote lost"), seed)
