"""Reading in a second process while the store writes: both cores of a small machine.

Storing (pseudonymising and SQLite inserts) and reading (parsing and normalising)
each take about half the time of an import. For large files, :func:`produce_batches`
runs the reading side in a worker process (``python -m workbench.pipeline``) that
hands finished column batches over a pipe (so memory stays flat however large the
file is), while the calling process pseudonymises and writes; the project key never
leaves it. Small files, and machines with one core, are read in-process, where a
worker would only add start-up time.
Either way the caller sees the same sequence of batches and the same errors.
"""

from __future__ import annotations

import gc
import marshal
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from workbench.sources import Batch, ColumnMapping, iter_batches

#: Files at least this large (bytes, as stored) are read in a worker process.
PARALLEL_MIN_BYTES = 16 * 2**20
_ARGS, _FORMAT, _BATCH, _DONE, _ERROR = "a", "f", "b", "d", "e"

ColumnBatch = tuple[dict[str, list], Batch]


def read_batches(
    path: Path, format: str, mapping: ColumnMapping | None, batch_size: int
) -> tuple[str, Iterator[ColumnBatch]]:
    """Finished column batches of one file, read in this process."""
    return iter_batches(path, format, mapping=mapping, batch_size=batch_size)


def _send(stream: BinaryIO, kind: str, payload: object) -> None:
    """Write one message: its kind, then the payload (columns by marshal: fastest)."""
    if kind == _BATCH:
        columns, batch = payload  # type: ignore[misc]
        data = marshal.dumps(columns)
        meta = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
        stream.write(
            kind.encode() + len(data).to_bytes(8, "little") + len(meta).to_bytes(8, "little")
        )
        stream.write(data)
        stream.write(meta)
    else:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        stream.write(kind.encode() + len(data).to_bytes(8, "little") + bytes(8))
        stream.write(data)
    stream.flush()


def _receive(stream: BinaryIO) -> tuple[str, object] | None:
    """Read one message written by :func:`_send`; ``None`` at end of stream."""
    header = stream.read(17)
    if len(header) < 17:
        return None
    kind = header[:1].decode()
    size = int.from_bytes(header[1:9], "little")
    meta_size = int.from_bytes(header[9:17], "little")
    if kind == _BATCH:
        columns = marshal.loads(stream.read(size))
        return kind, (columns, pickle.loads(stream.read(meta_size)))
    return kind, pickle.loads(stream.read(size))


def worker_main() -> None:
    """Entry point of the reader process (``python -m workbench.pipeline``).

    Reads its arguments as one pickled message on stdin and writes
    length-prefixed pickled messages to stdout; the pipe's small buffer is the
    bounded queue (the worker blocks until the parent has taken a batch).
    """
    gc.disable()
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the message stream
    message = _receive(sys.stdin.buffer)
    if message is None:
        return
    path, format, mapping, batch_size = message[1]  # type: ignore[misc]
    try:
        name, batches = read_batches(path, format, mapping, batch_size)
        _send(out, _FORMAT, name)
        for item in batches:
            _send(out, _BATCH, item)
        _send(out, _DONE, None)
    except BrokenPipeError:
        return
    except Exception as error:  # noqa: BLE001 - handed to the parent
        _send(out, _ERROR, error)


def _use_worker(path: Path) -> bool:
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1


def produce_batches(
    path: Path, format: str, mapping: ColumnMapping | None, batch_size: int
) -> tuple[str, Iterator[ColumnBatch]]:
    """Finished column batches of one file, read where it is fastest.

    Returns
    -------
    format : str
        The format the file is read as (detection errors are raised here).
    batches : iterator
        ``(columns, batch)`` pairs; an error met while reading is raised from the
        iterator at the point it occurred, exactly as in-process reading would.
    """
    if not _use_worker(path):
        return read_batches(path, format, mapping, batch_size)
    process = subprocess.Popen(
        [sys.executable, "-m", "workbench.pipeline"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    _send(process.stdin, _ARGS, (path, format, mapping, batch_size))
    process.stdin.close()
    stream = process.stdout

    def stop() -> None:
        if process.poll() is None:
            process.kill()
        process.wait()
        stream.close()

    def receive() -> tuple[str, object]:
        message = _receive(stream)
        if message is None:
            code = process.wait()
            raise RuntimeError(
                f"the reader process for {path} stopped unexpectedly (exit code {code})"
            )
        return message

    try:
        kind, value = receive()
    except BaseException:
        stop()
        raise
    if kind == _ERROR:
        stop()
        raise value  # type: ignore[misc]

    def batches() -> Iterator[ColumnBatch]:
        try:
            while True:
                kind, value = receive()
                if kind == _DONE:
                    return
                if kind == _ERROR:
                    raise value  # type: ignore[misc]
                yield value  # type: ignore[misc]
        finally:
            stop()

    return str(value), batches()


if __name__ == "__main__":
    worker_main()
