"""Reading in a second process while the store writes: both cores of a small machine.

Storing (pseudonymising and SQLite inserts) and reading (parsing, normalising and
labelling languages) each take about half the time of an import. For large files,
:func:`produce_batches` runs the reading side in a worker process
(``python -m workbench.pipeline``) that hands finished column batches over a pipe
(so memory stays flat however large the file is), while the calling process
pseudonymises and writes; the project key never leaves it. Small files, and
machines with one core, are read in-process, where a worker would only add
start-up time. Either way the caller sees the same sequence of batches, with the
same ``lang`` values, and the same errors.

Annotating a batch (labelling languages, flagging non-substantive answers) is
shared out so that neither core waits: the worker annotates a batch in chunks
and, between chunks, looks whether the calling process has asked for that batch
(one byte on the worker's stdin each time it is ready for the next batch). If it
has, the annotations made so far go over at once, and the calling process
annotates the rows the worker did not reach before handing the batch on, while
the worker reads the next one. The batch's columns themselves went over as soon
as it was read, written by a thread while the worker labelled on, so the calling
process never waits for them to be serialised. Without language labelling the
calling process, which then has less to do, flags every row itself.
"""

from __future__ import annotations

import gc
import marshal
import os
import pickle
import queue
import select
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from workbench.language import label_columns
from workbench.language import load as load_language_model
from workbench.sources import Batch, ColumnMapping, iter_batches
from workbench.substance import SubstanceRule

#: Files at least this large (bytes, as stored) are read in a worker process.
PARALLEL_MIN_BYTES = 16 * 2**20
#: Rows the worker labels between two looks at whether its batch is awaited.
LABEL_CHUNK = 2048
#: Messages the worker may have queued for writing while it reads on.
SEND_AHEAD = 2
_ARGS, _FORMAT, _COLUMNS, _BATCH, _DONE, _ERROR = "a", "f", "c", "b", "d", "e"
_READY = b"r"

ColumnBatch = tuple[dict[str, list], Batch]


class Batches(Iterator[ColumnBatch]):
    """The ``(columns, batch)`` pairs of one file, counting the rows labelled on the way.

    ``languages_labelled`` is how many rows so far had no language from their
    loader and were examined by the language labeller (whichever process did it).
    """

    def __init__(self, source: Iterator[tuple[dict[str, list], Batch, int]]) -> None:
        self._source = source
        self.languages_labelled = 0

    def __iter__(self) -> Batches:
        return self

    def __next__(self) -> ColumnBatch:
        columns, batch, labelled = next(self._source)
        self.languages_labelled += labelled
        return columns, batch

    def close(self) -> None:
        """Stop reading (ends the worker process, if any)."""
        close = getattr(self._source, "close", None)
        if close is not None:
            close()


class Annotator:
    """What is added to a finished batch: languages and non-substantive flags.

    Parameters
    ----------
    detect_language : bool
        Label the language of rows whose loader gave none.
    substance : SubstanceRule, optional
        Add the batch's non-substantive answers to its ``flagged`` rows.
    """

    def __init__(self, detect_language: bool, substance: SubstanceRule | None) -> None:
        self.detect_language = detect_language
        self.substance = substance

    def __call__(
        self, columns: dict[str, list], batch: Batch, start: int = 0, stop: int | None = None
    ) -> int:
        """Annotate rows ``start:stop``; returns how many rows were labelled."""
        if self.substance is not None:
            batch.flagged.extend(self.substance.flag(columns, start, stop))
        return label_columns(columns, start, stop) if self.detect_language else 0

    def until_awaited(
        self, columns: dict[str, list], batch: Batch, awaited: Callable[[], bool]
    ) -> tuple[int, int]:
        """Annotate a batch chunk by chunk until ``awaited()`` says it is wanted now.

        Returns how many leading rows were gone through (the caller annotates the
        rest) and how many of them were labelled.
        """
        rows = len(columns["comment_id"])
        done = labelled = 0
        while done < rows and not awaited():
            stop = min(rows, done + LABEL_CHUNK)
            labelled += self(columns, batch, done, stop)
            done = stop
        return done, labelled


def read_batches(
    path: Path,
    format: str,
    mapping: ColumnMapping | None,
    batch_size: int,
    *,
    detect_language: bool = True,
    substance: SubstanceRule | None = None,
) -> tuple[str, Batches]:
    """Finished column batches of one file, read and annotated in this process."""
    name, batches = iter_batches(path, format, mapping=mapping, batch_size=batch_size)
    annotate = Annotator(detect_language, substance)

    def annotated() -> Iterator[tuple[dict[str, list], Batch, int]]:
        for columns, batch in batches:
            yield columns, batch, annotate(columns, batch)

    return name, Batches(annotated())


class _Requests:
    """The calling process's requests for batches, read from the worker's stdin."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.asked = 0
        self.sent = 0
        self.closed = False

    def awaited(self) -> bool:
        """True when the calling process waits for the batch not yet sent."""
        while not self.closed and select.select([self.fd], [], [], 0)[0]:
            data = os.read(self.fd, 4096)
            if not data:  # the calling process has stopped listening
                self.closed = True
            self.asked += len(data)
        return self.closed or self.asked > self.sent


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = stream.read(size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _message(kind: str, payload: object) -> list[bytes]:
    """One message: its kind and length, then the payload (columns by marshal: fastest)."""
    if kind == _COLUMNS:
        data = marshal.dumps(payload)
    else:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return [kind.encode() + len(data).to_bytes(8, "little"), data]


def _send(stream: BinaryIO, kind: str, payload: object) -> None:
    """Write one message (see :func:`_message`)."""
    for part in _message(kind, payload):
        stream.write(part)
    stream.flush()


def _receive(stream: BinaryIO) -> tuple[str, object] | None:
    """Read one message written by :func:`_send`; ``None`` at end of stream."""
    header = _read_exact(stream, 9)
    if len(header) < 9:
        return None
    kind = header[:1].decode()
    data = _read_exact(stream, int.from_bytes(header[1:9], "little"))
    return kind, marshal.loads(data) if kind == _COLUMNS else pickle.loads(data)


class _Sender:
    """The worker's messages, written in order by a thread of their own.

    A batch's columns (megabytes) are sent as soon as the batch is read, and
    written while the worker goes on labelling: a blocking pipe write holds no
    interpreter lock, so the calling process takes them whenever it is ready and
    never waits for them to be serialised. At most :data:`SEND_AHEAD` messages
    wait to be written, which bounds the worker's memory when it runs ahead.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._queue: queue.Queue[list[bytes] | None] = queue.Queue(maxsize=SEND_AHEAD)
        self.broken = False  # the calling process stopped listening
        self._thread = threading.Thread(target=self._write, name="workbench-send", daemon=True)
        self._thread.start()

    def send(self, kind: str, payload: object) -> None:
        """Queue one message (blocks while :data:`SEND_AHEAD` are waiting)."""
        if self.broken:
            raise BrokenPipeError("the importing process stopped reading")
        self._queue.put(_message(kind, payload))

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self._queue.put(None)
        self._thread.join()

    def _write(self) -> None:
        while (parts := self._queue.get()) is not None:
            if self.broken:
                continue
            try:
                for part in parts:
                    self._stream.write(part)
                self._stream.flush()
            except OSError:  # a broken pipe: the calling process has gone
                self.broken = True


def worker_main() -> None:
    """Entry point of the reader process (``python -m workbench.pipeline``).

    Reads its arguments as one pickled message on stdin and writes
    length-prefixed messages to stdout: for each batch its columns as soon as
    they are read (:class:`_Sender`), then, once the calling process asks for
    the batch, its annotations so far (the languages of its first rows, flags,
    gaps and skipped records). When labelling, it reads one byte on stdin for each
    batch the calling process is ready for (with labelling off that process
    closes stdin at once, and annotates every row).
    """
    gc.disable()
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the message stream
    stdin = sys.stdin.buffer.raw  # unbuffered: request bytes are read with os.read
    message = _receive(stdin)  # type: ignore[arg-type]
    if message is None:
        return
    path, format, mapping, batch_size, detect_language, substance = message[1]  # type: ignore[misc]
    requests = _Requests(stdin.fileno())
    annotate = Annotator(detect_language, substance)
    sender = _Sender(out)
    try:
        name, batches = iter_batches(path, format, mapping=mapping, batch_size=batch_size)
        sender.send(_FORMAT, name)
        for columns, batch in batches:
            sender.send(_COLUMNS, columns)
            done, labelled = annotate.until_awaited(columns, batch, requests.awaited)
            sender.send(_BATCH, (batch, done, labelled, columns["lang"][:done]))
            requests.sent += 1
        sender.send(_DONE, None)
    except BrokenPipeError:
        return
    except Exception as error:  # noqa: BLE001 - handed to the parent
        sender.send(_ERROR, error)
    finally:
        sender.close()


def _use_worker(path: Path) -> bool:
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1


def produce_batches(
    path: Path,
    format: str,
    mapping: ColumnMapping | None,
    batch_size: int,
    *,
    detect_language: bool = True,
    substance: SubstanceRule | None = None,
) -> tuple[str, Batches]:
    """Finished column batches of one file, read where it is fastest.

    Parameters
    ----------
    detect_language : bool, default True
        Label the language of rows whose loader gave none (``lang`` becomes a
        code, or ``"und"`` for a text too short to tell; deleted rows stay
        ``None``), as the project setting ``detect_language`` asks.
    substance : SubstanceRule, optional
        Add each batch's non-substantive answers to its ``flagged`` rows (in the
        reader, beside the storing process).

    Returns
    -------
    format : str
        The format the file is read as (detection errors are raised here).
    batches : Batches
        ``(columns, batch)`` pairs; an error met while reading is raised from the
        iterator at the point it occurred, exactly as in-process reading would.
        Its ``languages_labelled`` counts the rows labelled so far.
    """
    if not _use_worker(path):
        return read_batches(path, format, mapping, batch_size, detect_language=detect_language,
                            substance=substance)  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "workbench.pipeline"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    requests, stream = process.stdin, process.stdout
    _send(requests, _ARGS, (path, format, mapping, batch_size, detect_language, substance))
    if detect_language:
        load_language_model()  # while the worker starts: this process waits for it anyway
    else:
        requests.close()  # the worker annotates nothing: this process has time to
    annotate = Annotator(detect_language, substance)

    def stop() -> None:
        if process.poll() is None:
            process.kill()
        process.wait()
        stream.close()
        if not requests.closed:
            try:
                requests.close()
            except OSError:
                pass

    def receive() -> tuple[str, object]:
        message = _receive(stream)
        if message is None:
            code = process.wait()
            raise RuntimeError(
                f"the reader process for {path} stopped unexpectedly (exit code {code})"
            )
        return message

    def ready() -> None:
        """Tell the worker this process waits for its next batch."""
        if requests.closed:
            return
        try:
            requests.write(_READY)
            requests.flush()
        except OSError:  # the worker has gone; receive() says how
            pass

    try:
        kind, value = receive()
    except BaseException:
        stop()
        raise
    if kind == _ERROR:
        stop()
        raise value  # type: ignore[misc]

    def batches() -> Iterator[tuple[dict[str, list], Batch, int]]:
        try:
            while True:
                ready()
                kind, value = receive()
                if kind == _DONE:
                    return
                if kind == _ERROR:
                    raise value  # type: ignore[misc]
                columns = value
                kind, value = receive()
                if kind == _ERROR:
                    raise value  # type: ignore[misc]
                batch, done, labelled, langs = value  # type: ignore[misc]
                columns["lang"][:done] = langs  # type: ignore[index]
                if done < len(columns["comment_id"]):  # type: ignore[index]
                    labelled += annotate(columns, batch, done)
                yield columns, batch, labelled
        finally:
            stop()

    return str(value), Batches(batches())


if __name__ == "__main__":
    worker_main()
