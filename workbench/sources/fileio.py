"""Reading export files: compression, encodings, JSON documents and JSON lines.

Every failure here becomes a :class:`~workbench.errors.SourceError` naming the file
and the line (or byte offset) where reading went wrong.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import msgspec
import orjson

from workbench.errors import RecordError, SourceError

from .base import Sample

SAMPLE_BYTES = 64 * 1024
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_GZIP_MAGIC = b"\x1f\x8b"
_BZ2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"
#: Lines a typed decoder may refuse before it is given up (when most lines are refused).
_TYPED_PATIENCE = 256


class _Decompressed(io.BufferedIOBase):
    """A decompressing stream whose damage surfaces as :class:`SourceError`.

    gzip, bz2, lzma and zstandard each raise their own exception types (``EOFError``
    for a cut-off stream, ``OSError``, ``LZMAError``, ``ZstdError``) from any read;
    wrapping the stream turns every one of them into an error naming the file.
    """

    def __init__(self, stream: IO[bytes], path: Path, kind: str) -> None:
        super().__init__()
        self._stream = stream
        self._path = path
        self._kind = kind

    def _damaged(self, exc: BaseException) -> SourceError:
        return SourceError(
            self._path,
            f"the {self._kind} data is damaged or cut off ({exc})",
            hint="Download or export the file again",
        )

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        return self.read(size if size is not None and size >= 0 else io.DEFAULT_BUFFER_SIZE)

    def read(self, size: int | None = -1) -> bytes:
        return self._guarded(self._stream.read, size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._guarded(self._stream.readline, size)

    def _guarded(self, call: Callable[[int], bytes], size: int | None) -> bytes:
        try:
            return call(-1 if size is None else size)
        except (OSError, EOFError, lzma.LZMAError, ValueError) as exc:
            raise self._damaged(exc) from None
        except Exception as exc:
            if type(exc).__name__ == "ZstdError":
                raise self._damaged(exc) from None
            raise

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def close(self) -> None:
        if not self.closed:
            self._stream.close()
        super().close()


class _ZstdFrames(io.RawIOBase):
    """Decompress every zstandard frame of a stream, refusing one cut off mid-frame.

    ``zstandard``'s own ``stream_reader``, given a frame cut short (an interrupted
    download), returns what it could decompress with no error: the rest of the
    export would vanish without a word. Here each frame is decompressed in turn
    (pzstd and concatenated dumps hold several), and input that ends inside a frame
    raises ``EOFError`` (which :class:`_Decompressed` reports as a damaged file).
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        import zstandard

        self._raw = raw
        # Pushshift / Arctic Shift dumps are written with a long (up to 2 GiB) window.
        self._decompressor = zstandard.ZstdDecompressor(max_window_size=2**31)
        self._frame = self._decompressor.decompressobj()
        self._in_frame = False  # whether input of the current frame has been fed
        self._output = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._output:
            data = self._raw.read(1 << 17)
            if not data:
                if self._in_frame:
                    raise EOFError("the file ends in the middle of a zstandard frame")
                return 0
            self._output = memoryview(self._feed(data))
        size = min(len(buffer), len(self._output))
        buffer[:size] = self._output[:size]
        self._output = self._output[size:]
        return size

    def _feed(self, data: bytes) -> bytes:
        out = []
        while data:
            self._in_frame = True
            out.append(self._frame.decompress(data))
            if not self._frame.eof:
                break
            data = self._frame.unused_data  # the next frame's start, if any
            self._frame = self._decompressor.decompressobj()
            self._in_frame = False
        return b"".join(out)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def open_binary(path: Path) -> IO[bytes]:
    """Open ``path`` for streaming binary reading, decompressing by magic number.

    zstandard (Pushshift / Arctic Shift dumps use a long window), gzip, bzip2 and
    xz are recognised from the file's first bytes, not its name. Reading a damaged
    or cut-off compressed stream raises :class:`SourceError`.

    Raises
    ------
    SourceError
        If the file is missing, unreadable or a directory.
    """
    path = Path(path)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - returned to the caller
    except FileNotFoundError:
        raise SourceError(path, "file not found", hint="Check the path and try again") from None
    except IsADirectoryError:
        raise SourceError(path, "is a folder, not a file", hint="Name the export files") from None
    except OSError as exc:
        raise SourceError(path, f"cannot be opened ({exc.strerror})") from None
    magic = raw.read(6)
    raw.seek(0)
    if magic.startswith(_ZSTD_MAGIC):
        stream: IO[bytes] = io.BufferedReader(_ZstdFrames(raw), buffer_size=1 << 20)
        kind = "zstandard"
    elif magic.startswith(_GZIP_MAGIC):
        stream, kind = gzip.open(raw), "gzip"  # type: ignore[assignment]
    elif magic.startswith(_BZ2_MAGIC):
        stream, kind = bz2.open(raw), "bzip2"  # type: ignore[assignment]
    elif magic.startswith(_XZ_MAGIC):
        stream, kind = lzma.open(raw), "xz"  # type: ignore[assignment]
    else:
        return raw
    return _Decompressed(stream, path, kind)  # type: ignore[return-value]


def read_bytes(path: Path) -> bytes:
    """Return the whole decompressed content of ``path``."""
    with open_binary(path) as handle:
        return handle.read()


def decode_text(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without a BOM); fall back to cp1252 for legacy CSVs.

    Raises
    ------
    SourceError
        If the bytes are neither UTF-8 nor plausible Windows-1252 text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise SourceError(
                path,
                f"is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start})",
                record=f"line {line}",
                hint="Save the file as UTF-8 and import it again",
            ) from None


def read_sample(path: Path) -> Sample:
    """Read the start of ``path`` for format detection."""
    path = Path(path)
    with open_binary(path) as handle:
        data = handle.read(SAMPLE_BYTES)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data.decode("utf-8", errors="replace")
    first_line = next((line for line in head.splitlines() if line.strip()), "")
    return Sample(path=path, head=head, first_line=first_line.strip())


#: A line longer than this is read as "one long line": the location names the record.
_LONG_LINE = 500


def _json_error_location(text: bytes | str, pos: int) -> str:
    """Where a JSON error is, in words: the line, or in a one-line file the record.

    A JSON export is often one very long line, where "line 1, column 282016" helps
    nobody; there the location names the record being read (``"$[0].data.children[12]"``)
    and how far into the file it is.
    """
    if isinstance(text, str):
        text = text.encode("utf-8", errors="replace")
    line = text.count(b"\n", 0, pos) + 1
    column = pos - (text.rfind(b"\n", 0, pos) + 1) + 1
    if column <= _LONG_LINE:
        return f"line {line}, column {column}"
    path = json_path_at(text, pos)
    share = f"{pos / max(len(text), 1):.0%}"
    return f"record {path} (line {line}, about {share} of the way through the file)"


def json_path_at(text: bytes, pos: int) -> str:
    """The JSON path of the value being read at byte ``pos`` (``"$[0].data.children[3]"``).

    Examples
    --------
    >>> json_path_at(b'[{"a": 1}, {"b": [1, 2, {"c": tru', 30)
    '$[1].b[2].c'
    """
    stack: list[list] = []  # [kind, index or key, expecting a key]
    in_string = escaped = False
    start = 0
    for i in range(min(pos, len(text))):
        c = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif c == 0x5C:  # backslash
                escaped = True
            elif c == 0x22:  # closing quote
                in_string = False
                if stack and stack[-1][0] == "obj" and stack[-1][2]:
                    stack[-1][1] = text[start:i].decode("utf-8", errors="replace")
                    stack[-1][2] = False
            continue
        if c == 0x22:
            in_string, start = True, i + 1
        elif c == 0x7B:  # {
            stack.append(["obj", None, True])
        elif c == 0x5B:  # [
            stack.append(["arr", 0, False])
        elif c in (0x7D, 0x5D) and stack:  # } ]
            stack.pop()
        elif c == 0x2C and stack:  # ,
            if stack[-1][0] == "arr":
                stack[-1][1] += 1
            else:
                stack[-1][2] = True
    parts = ["$"]
    for kind, where, _ in stack:
        if kind == "arr":
            parts.append(f"[{where}]")
        elif where is not None:
            parts.append(f".{where}" if str(where).isidentifier() else f"[{where!r}]")
    return "".join(parts)


def parse_json(data: bytes | str, path: Path, *, record: str | None = None) -> Any:
    """Parse a JSON document, turning a decode error into a located :class:`RecordError`.

    Parameters
    ----------
    data : bytes or str
        The JSON text.
    path : Path
        File the text came from (for the message).
    record : str, optional
        Where the text sits in the file, if it is part of it (e.g. ``"line 7"``).
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        where = record or _json_error_location(data, exc.pos)
        raise RecordError(
            path,
            f"is not valid JSON ({exc.msg})",
            record=where,
            hint="The file may be truncated or not a JSON export; export it again",
        ) from None


def read_json_document(path: Path, *, strip_prefix: str | None = None) -> Any:
    """Read and parse a whole JSON file (optionally after a JavaScript prefix).

    Parameters
    ----------
    path : Path
        The file.
    strip_prefix : str, optional
        Text that precedes the JSON value, up to and including the first ``=``
        (as in X archives' ``window.YTD.tweets.part0 = [...]``).
    """
    data = read_bytes(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if strip_prefix is not None:
        equals = data.find(b"=")
        if equals < 0:
            raise RecordError(
                path, f"has no '=' after the {strip_prefix!r} prefix", record="line 1"
            )
        prefix_len = equals + 1
        try:
            return orjson.loads(data[prefix_len:])
        except orjson.JSONDecodeError as exc:
            raise RecordError(
                path,
                f"is not valid JSON after its prefix ({exc.msg})",
                record=_json_error_location(data, prefix_len + exc.pos),
                hint="The archive file may be truncated; extract it again",
            ) from None
    return parse_json(data, path)


def iter_json_lines(
    path: Path,
    *,
    skipped: list[tuple[str, str]] | None = None,
    typed: msgspec.json.Decoder | None = None,
) -> Iterator[tuple[int, Any]]:
    """Stream ``(line_number, value)`` from a JSON-lines file without reading it whole.

    Blank lines are ignored. A final line that is cut off mid-JSON (a stream capture
    interrupted, a partial download) is reported in ``skipped`` as
    ``("truncated_last_line", "line N")`` rather than failing the whole file; a bad
    line anywhere else raises :class:`RecordError`.

    Parameters
    ----------
    typed : msgspec.json.Decoder, optional
        A decoder of the usual line's type (a ``msgspec.Struct``), tried first: a
        typed line is decoded and checked in C, in one step. A line it refuses (a
        rarer shape, a value of another type, invalid JSON or UTF-8) is parsed by
        orjson as usual and arrives as plain JSON values, so orjson decides what is
        valid. (One difference: a number beyond a double's range in a field the
        type does not have is skipped by msgspec, where orjson refuses the line.)
        Once most lines are refused the decoder is no longer tried.
    """
    loads = orjson.loads
    decode_error = orjson.JSONDecodeError
    decode = typed.decode if typed is not None else None
    refused = 0
    pending: int | None = None
    with open_binary(path) as handle:
        for number, line in enumerate(handle, start=1):
            if pending is not None:
                raise RecordError(
                    path,
                    "is not valid JSON",
                    record=f"line {pending}",
                    hint="Fix or remove that line and import again",
                )
            if not line.strip():
                continue
            if decode is not None:
                try:
                    value = decode(line)
                    if not line.isascii():
                        line.decode("utf-8")  # even in a field it skipped, as orjson demands
                except (msgspec.DecodeError, ValueError):  # ValueError: invalid UTF-8
                    refused += 1
                    if refused >= _TYPED_PATIENCE and 2 * refused > number:
                        decode = None  # a file of another shape: stop trying
                else:
                    yield number, value
                    continue
            try:
                yield number, loads(line)
            except decode_error as exc:
                if line.endswith(b"\n"):
                    raise RecordError(
                        path,
                        f"is not valid JSON ({exc.msg})",
                        record=f"line {number}",
                        hint="Fix or remove that line and import again",
                    ) from None
                pending = number
    if pending is not None and skipped is not None:
        skipped.append(("truncated_last_line", f"line {pending}"))
