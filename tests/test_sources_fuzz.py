"""Property-based tests: every loader, fed damaged input, fails only with a clear error.

Seeds are the small export files of every format (hand-written ones in tests/data
and the small real ones in ../shared/fixtures). Hypothesis truncates them, flips
bytes, swaps JSON values for values of other types and throws random bytes; each
loader must then either read the file or raise a WorkbenchError subclass whose
message names the file, never a raw KeyError, TypeError or JSONDecodeError.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.sources import LOADERS, ColumnMapping, detect
from workbench.sources.fileio import read_bytes

from .conftest import DATA, SHARED_FIXTURES

MAX_SEED_BYTES = 600 * 1024
SEEDS_PER_FORMAT = 2
CSV_SEED = (
    b"id,when,who,text,extra\r\n"
    b'1,2026-03-01 10:00,ann,"Long wait, then\r\nkind staff",x\r\n'
    b"2,02/03/2026,bob,Parking is impossible \xf0\x9f\x98\xa4,\r\n"
    b"3,,carl,n/a,y\r\n"
)
CSV_MAPPING = ColumnMapping(
    text_column="text", id_column="id", time_column="when", author_column="who"
)


def _seeds() -> dict[str, list[bytes]]:
    found: dict[str, list[tuple[int, bytes]]] = defaultdict(list)
    roots = [DATA]
    if SHARED_FIXTURES.is_dir():
        roots.append(SHARED_FIXTURES)
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            try:
                name = detect(path)
            except WorkbenchError:
                continue
            if name == "csv":
                continue
            if path.stat().st_size <= MAX_SEED_BYTES:
                data = read_bytes(path)
            elif path.suffix in (".jsonl", ".ndjson"):
                data = b"".join(read_bytes(path).splitlines(keepends=True)[:5])
            else:
                continue
            found[name].append((len(data), data))
    seeds = {
        name: [data for _, data in sorted(items)[:SEEDS_PER_FORMAT]]
        for name, items in found.items()
    }
    seeds["csv"] = [CSV_SEED]
    return seeds


SEEDS = _seeds()
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


def _replace(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _split_prefix(data: bytes) -> tuple[bytes, bytes]:
    if data.lstrip().startswith(b"window.") and b"=" in data:
        cut = data.index(b"=") + 1
        return data[:cut], data[cut:]
    return b"", data


@st.composite
def damaged(draw: st.DrawFn, seed: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "retype", "retype-line", "noise"]))
    if kind == "truncate":
        return seed[: draw(st.integers(0, max(0, len(seed) - 1)))]
    if kind == "flip":
        data = bytearray(seed)
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "noise":
        return draw(st.binary(max_size=300))
    prefix, body = _split_prefix(seed)
    if kind == "retype":
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            kind = "retype-line"
        else:
            path = draw(st.sampled_from(_paths(document)))
            return prefix + orjson.dumps(_replace(document, path, draw(json_values)))
    lines = body.splitlines(keepends=True) or [b""]
    index = draw(st.integers(0, len(lines) - 1))
    try:
        record = orjson.loads(lines[index])
    except orjson.JSONDecodeError:
        return seed[: len(seed) // 2]
    path = draw(st.sampled_from(_paths(record)))
    lines[index] = orjson.dumps(_replace(record, path, draw(json_values))) + b"\n"
    return prefix + b"".join(lines)


def _load(name: str, data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(data)
        mapping = CSV_MAPPING if name == "csv" else None
        loader = LOADERS[name]
        from workbench.sources.base import LoadOptions
        from workbench.sources.finish import finish_rows

        try:
            for batch in loader.load(path, LoadOptions(mapping=mapping, batch_size=7)):
                finish_rows(batch.rows, name, path)
        except WorkbenchError as error:
            assert "export" in str(error), f"the message must name the file: {error}"


_SUFFIX = {"x-archive": ".js", "csv": ".csv", "youtube-takeout": ".csv"}


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_has_a_seed(name: str) -> None:
    if not SEEDS.get(name):
        pytest.skip(f"no small seed file for {name} (shared fixtures absent?)")


@pytest.mark.parametrize("name", FORMATS)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_damaged_input_raises_only_workbench_errors(name: str, data: st.DataObject) -> None:
    seeds = SEEDS.get(name)
    if not seeds:
        return
    seed = data.draw(st.sampled_from(seeds))
    _load(name, data.draw(damaged(seed)), _SUFFIX.get(name, ".json"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=500))
def test_format_detection_never_crashes(blob: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "unknown.json"
        path.write_bytes(blob)
        try:
            detect(path)
        except WorkbenchError as error:
            assert "unknown.json" in str(error)
