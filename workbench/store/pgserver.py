"""Throwaway PostgreSQL servers for tests and benchmarks.

:class:`TemporaryPostgres` creates a private cluster in a temporary directory,
starts it on a free port of ``127.0.0.1`` (and on a unix socket inside that
directory), hands out database URLs and removes every trace on exit::

    with TemporaryPostgres() as server:
        url = server.create_database()      # postgresql://postgres@127.0.0.1:PORT/wb_...
        ...

The project itself never starts a server; it connects to the one a team runs.
This module is for the test suite (``tests/postgres_support.py``) and the
benchmarks. It also finds PostgreSQL's programs (:func:`candidate_bindirs`,
:func:`find_server_bindir`, :func:`find_program`), which
:mod:`workbench.store.pgtools` uses for ``pg_dump`` and ``pg_restore``.

The cluster is made for speed only where that costs no safety: trust
authentication, small shared buffers, ``initdb --no-sync`` and an immediate
shutdown (the data is deleted right after). ``--no-sync`` only spares flushing the
files initdb writes (seconds on a busy disk); the running server keeps ``fsync``,
``synchronous_commit`` and ``full_page_writes`` on, so durability tests run against
a server that behaves like a real one.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
import weakref
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from workbench.errors import StoreError

#: What to tell a user who has no PostgreSQL programs.
INSTALL_HINT = (
    "install PostgreSQL: `apt-get install postgresql` (Debian/Ubuntu), "
    "`brew install postgresql` (macOS) or `conda install -c conda-forge postgresql`"
)
#: Programs a directory must hold to run a server.
SERVER_PROGRAMS: tuple[str, ...] = ("initdb", "pg_ctl", "postgres")
#: The superuser every temporary cluster is created with.
SUPERUSER = "postgres"
#: Settings written to ``postgresql.conf`` of every temporary cluster (durability stays on).
DEFAULT_SETTINGS: Mapping[str, str] = {
    "listen_addresses": "'127.0.0.1'",
    "shared_buffers": "'32MB'",
    "max_connections": "100",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "logging_collector": "off",
}
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_TAIL_LINES = 30


# --------------------------------------------------------------------- finding programs


def _pg_config_bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    try:
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    out = done.stdout.strip()
    return Path(out) if done.returncode == 0 and out else None


def _version_key(path: str) -> tuple[int, ...]:
    # /usr/lib/postgresql/15/bin -> (15,); 9.6 -> (9, 6); anything odd sorts last.
    name = Path(path).parent.name
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return (-1,)


def candidate_bindirs() -> list[Path]:
    """Directories that may hold PostgreSQL programs, in the order they are tried.

    Returns
    -------
    list of Path
        ``pg_config --bindir`` (when ``pg_config`` is on ``PATH``), then Debian's
        ``/usr/lib/postgresql/*/bin`` newest major version first, then every
        directory of ``PATH``. Existing directories only, each once.
    """
    found: list[Path] = []
    bindir = _pg_config_bindir()
    if bindir is not None:
        found.append(bindir)
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    found.extend(Path(p) for p in debian)
    found.extend(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)
    unique: list[Path] = []
    for directory in found:
        if directory.is_dir() and directory not in unique:
            unique.append(directory)
    return unique


def _executable(directory: Path, name: str) -> Path | None:
    path = directory / name
    return path if path.is_file() and os.access(path, os.X_OK) else None


@functools.lru_cache(maxsize=64)
def program_major(program: str | Path) -> int:
    """Major version of a PostgreSQL program, from ``PROGRAM --version``.

    Parameters
    ----------
    program : str or Path
        Path of ``pg_dump``, ``postgres``, ``initdb``, ...

    Returns
    -------
    int
        ``15`` for ``pg_dump (PostgreSQL) 15.4``; ``9`` for 9.x releases.

    Raises
    ------
    StoreError
        If the program cannot be run or does not print a PostgreSQL version.
    """
    try:
        done = subprocess.run([str(program), "--version"], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise StoreError(f"{program}: could not be run to ask its version ({exc})") from exc
    match = _VERSION.search(done.stdout)
    if done.returncode != 0 or match is None:
        said = (done.stdout + done.stderr).strip() or f"exit status {done.returncode}"
        raise StoreError(
            f"{program} --version: expected 'NAME (PostgreSQL) VERSION', got {said!r}"
        )
    return int(match.group(1))


def find_program(name: str, *, min_major: int | None = None) -> Path:
    """The first ``name`` in :func:`candidate_bindirs` of at least ``min_major``.

    Parameters
    ----------
    name : str
        Program name, e.g. ``"pg_dump"``.
    min_major : int, optional
        Oldest acceptable major version (e.g. the server's, for ``pg_dump``).

    Returns
    -------
    Path
        The program.

    Raises
    ------
    StoreError
        If no such program (of that version or newer) is installed.
    """
    seen: list[str] = []
    for directory in candidate_bindirs():
        path = _executable(directory, name)
        if path is None:
            continue
        if min_major is None:
            return path
        try:
            major = program_major(path)
        except StoreError:
            seen.append(f"{path} (no version)")
            continue
        if major >= min_major:
            return path
        seen.append(f"{path} ({major})")
    wanted = name if min_major is None else f"{name} of PostgreSQL {min_major} or newer"
    found = f"; found only {', '.join(seen)}" if seen else ""
    raise StoreError(
        f"{wanted} not found in pg_config --bindir, /usr/lib/postgresql/*/bin or PATH"
        f"{found}; {INSTALL_HINT}"
    )


def find_server_bindir() -> Path:
    """The first directory of :func:`candidate_bindirs` holding a whole server.

    Returns
    -------
    Path
        A directory with ``initdb``, ``pg_ctl`` and ``postgres``.

    Raises
    ------
    StoreError
        If none has all three: the message says what to install.
    """
    for directory in candidate_bindirs():
        if all(_executable(directory, name) for name in SERVER_PROGRAMS):
            return directory
    raise StoreError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
        f"pg_config --bindir, /usr/lib/postgresql/*/bin or PATH; {INSTALL_HINT}"
    )


# --------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_account() -> tuple[int, int]:
    import pwd

    try:
        account = pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise StoreError(
            "PostgreSQL refuses to run as root and there is no 'postgres' system user "
            "to run it as: run as an ordinary user, or create the user "
            "(`useradd --system postgres`, which `apt-get install postgresql` does)"
        ) from None
    return account.pw_uid, account.pw_gid


def _stop_and_remove(pg_ctl: Path, data_dir: Path, root: Path,
                     account: tuple[int, int] | None) -> None:
    """Stop the server (if it runs) and delete its directory; never raises."""
    if (data_dir / "postmaster.pid").exists():
        try:
            subprocess.run([str(pg_ctl), "-D", str(data_dir), "-m", "immediate", "-w",
                            "-t", "60", "stop"], **_as(account, root), timeout=90,
                           capture_output=True, check=False)
        except (OSError, subprocess.SubprocessError):
            pass
    shutil.rmtree(root, ignore_errors=True)


def _as(account: tuple[int, int] | None, cwd: Path) -> dict:
    """``subprocess`` arguments running a program as ``account`` (None: as we are)."""
    kwargs: dict = {"cwd": str(cwd), "stdin": subprocess.DEVNULL,
                    "env": {**os.environ, "LC_ALL": "C", "LANG": "C"}}
    if account is not None:
        uid, gid = account
        kwargs.update(user=uid, group=gid, extra_groups=[])
        kwargs["env"]["HOME"] = str(cwd)
    return kwargs


class TemporaryPostgres:
    """A private PostgreSQL cluster in a temporary directory, for tests and benchmarks.

    Parameters
    ----------
    bindir : str or Path, optional
        Directory with ``initdb``, ``pg_ctl`` and ``postgres``; found with
        :func:`find_server_bindir` when omitted.
    base_dir : str or Path, optional
        Where to create the cluster's directory (default: the system temporary
        directory). When running as root the server runs as the ``postgres`` user,
        which must be able to reach this directory: pytest's ``tmp_path`` (mode 0700)
        is not suitable then.
    settings : mapping of str to str, optional
        ``postgresql.conf`` settings added to (or replacing) :data:`DEFAULT_SETTINGS`,
        values written verbatim (quote strings: ``{"timezone": "'UTC'"}``).
    start_timeout : float, default 60
        Seconds to wait for the server to accept connections.

    Attributes
    ----------
    port : int
        TCP port on 127.0.0.1 (after :meth:`start`).
    root : Path
        The temporary directory: ``data/`` (the cluster), ``socket/`` and
        ``postgres.log``.
    superuser : str
        ``"postgres"``; connections need no password (trust authentication).
    major : int
        Major version of the server.

    Notes
    -----
    Use it as a context manager, or call :meth:`start` and :meth:`stop`. If the
    Python process exits without :meth:`stop`, the server is stopped and its
    directory removed at interpreter exit.
    """

    def __init__(
        self,
        *,
        bindir: str | Path | None = None,
        base_dir: str | Path | None = None,
        settings: Mapping[str, str] | None = None,
        start_timeout: float = 60.0,
    ) -> None:
        self.bindir = bindir
        self.base_dir = base_dir
        self.settings = settings
        self.start_timeout = start_timeout
        self.superuser = SUPERUSER
        self.port: int | None = None
        self.root: Path | None = None
        self.major: int | None = None
        self._account: tuple[int, int] | None = None
        self._finalizer: weakref.finalize | None = None

    # -- paths -------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        return self._root() / "data"

    @property
    def socket_dir(self) -> Path:
        """Directory of the server's unix socket (``host=`` for libpq)."""
        return self._root() / "socket"

    @property
    def log_file(self) -> Path:
        """The server log."""
        return self._root() / "postgres.log"

    @property
    def running(self) -> bool:
        """Whether :meth:`start` succeeded and :meth:`stop` has not run."""
        return self._finalizer is not None and self._finalizer.alive

    def _root(self) -> Path:
        if self.root is None:
            raise StoreError("TemporaryPostgres is not started: call start() or use `with`")
        return self.root

    def _program(self, name: str) -> Path:
        return Path(self.bindir) / name  # type: ignore[arg-type]

    # -- life cycle --------------------------------------------------------------------

    def __enter__(self) -> TemporaryPostgres:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> TemporaryPostgres:
        """Create the cluster and start the server.

        Returns
        -------
        TemporaryPostgres
            ``self``, started.

        Raises
        ------
        StoreError
            If the programs are missing, or ``initdb`` or the server fails (the
            message carries the end of its output or log).
        """
        if self.running:
            return self
        bindir = Path(self.bindir) if self.bindir is not None else find_server_bindir()
        missing = [n for n in SERVER_PROGRAMS if _executable(bindir, n) is None]
        if missing:
            raise StoreError(f"{bindir}: no {', '.join(missing)} here; {INSTALL_HINT}")
        self.bindir = bindir
        self._account = _postgres_account() if os.geteuid() == 0 else None
        base = Path(self.base_dir) if self.base_dir is not None else None
        self.root = Path(tempfile.mkdtemp(prefix="workbench-pg-", dir=base))
        self._finalizer = weakref.finalize(
            self, _stop_and_remove, self._program("pg_ctl"), self.data_dir, self.root,
            self._account,
        )
        try:
            self.socket_dir.mkdir()
            if self._account is not None:
                for path in (self.root, self.socket_dir):
                    os.chown(path, *self._account)
            self.major = program_major(self._program("postgres"))
            self._initdb()
            self._start_on_free_port()
        except BaseException:
            self._finalizer()
            raise
        return self

    def stop(self) -> None:
        """Stop the server immediately and delete its directory (safe to repeat)."""
        if self._finalizer is not None:
            self._finalizer()

    def _initdb(self) -> None:
        command = [str(self._program("initdb")), "-D", str(self.data_dir),
                   f"--username={self.superuser}", "--auth=trust", "--encoding=UTF8",
                   "--locale=C", "--no-sync"]
        try:
            done = subprocess.run(command, **_as(self._account, self._root()),
                                  capture_output=True, text=True, timeout=300, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise StoreError(f"initdb could not run: {exc}; {INSTALL_HINT}") from exc
        if done.returncode != 0:
            output = _tail(done.stdout + done.stderr)
            raise StoreError(
                f"initdb failed (exit status {done.returncode}) in {self.data_dir}:\n{output}"
            )
        (self.data_dir / "pg_hba.conf").write_text(
            "# TemporaryPostgres: trust on the private socket and on 127.0.0.1 only\n"
            "local all all trust\n"
            "host all all 127.0.0.1/32 trust\n"
            "local replication all trust\n"
            "host replication all 127.0.0.1/32 trust\n"
        )

    def _write_settings(self, port: int) -> None:
        settings = {**DEFAULT_SETTINGS, **(self.settings or {})}
        settings["port"] = str(port)
        settings["unix_socket_directories"] = _quote(str(self.socket_dir))
        lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
        # postgresql.auto.conf is read last, so these win over postgresql.conf.
        (self.data_dir / "postgresql.auto.conf").write_text(
            f"# Written by TemporaryPostgres.\n{lines}"
        )

    def _start_on_free_port(self) -> None:
        attempts = 3
        for attempt in range(1, attempts + 1):
            port = _free_port()
            self._write_settings(port)
            command = [str(self._program("pg_ctl")), "-D", str(self.data_dir), "-l",
                       str(self.log_file), "-w", "-t", str(int(self.start_timeout)), "start"]
            try:
                done = subprocess.run(command, **_as(self._account, self._root()),
                                      capture_output=True, text=True,
                                      timeout=self.start_timeout + 30, check=False)
            except (OSError, subprocess.SubprocessError) as exc:
                raise StoreError(f"pg_ctl start could not run: {exc}") from exc
            if done.returncode == 0:
                self.port = port
                return
            log = self.log_tail()
            if "already in use" in log and attempt < attempts:
                time.sleep(0.2)  # another process took the port between probe and start
                continue
            raise StoreError(
                f"PostgreSQL server in {self.data_dir} did not start (pg_ctl exit status "
                f"{done.returncode}): {_tail(done.stdout + done.stderr)}\n"
                f"server log {self.log_file}:\n{log}"
            )

    def log_tail(self, lines: int = _TAIL_LINES) -> str:
        """The last ``lines`` lines of the server log (empty if there is none yet)."""
        try:
            return _tail(self.log_file.read_text(errors="replace"), lines)
        except OSError:
            return ""

    # -- databases ---------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        """``postgresql://postgres@127.0.0.1:PORT/DBNAME`` of a database of this server.

        Parameters
        ----------
        dbname : str, default "postgres"
            Database name (the maintenance database by default).

        Returns
        -------
        str
            A libpq / psycopg URL; no password is needed.
        """
        if self.port is None or not self.running:
            raise StoreError("TemporaryPostgres is not running: call start() or use `with`")
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (a copy of ``template0``) and return its URL.

        Parameters
        ----------
        name : str, optional
            Database name: letters, digits and ``_``, at most 63 characters. A
            unique ``wb_<hex>`` name when omitted.

        Returns
        -------
        str
            The URL of the new database (see :meth:`url`).

        Raises
        ------
        StoreError
            If the name is invalid or the database already exists.
        """
        name = name if name is not None else f"wb_{uuid.uuid4().hex[:16]}"
        _check_name(name)
        from psycopg import sql

        self._maintenance(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(
            sql.Identifier(name)), f"create database {name!r}")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing its connections first; a missing one is no error.

        Parameters
        ----------
        name : str
            Database name.
        """
        _check_name(name)
        from psycopg import sql

        force = sql.SQL(" WITH (FORCE)") if (self.major or 0) >= 13 else sql.SQL("")
        self._maintenance(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(
            sql.Identifier(name), force), f"drop database {name!r}")

    def databases(self) -> list[str]:
        """Names of the databases other than templates and ``postgres``."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=30) as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE NOT datistemplate "
                "AND datname <> 'postgres' ORDER BY datname").fetchall()
        return [row[0] for row in rows]

    def _maintenance(self, statement: object, doing: str) -> None:
        import psycopg

        try:
            with psycopg.connect(self.url(), autocommit=True, connect_timeout=30) as conn:
                conn.execute(statement)  # type: ignore[arg-type]
        except psycopg.Error as exc:
            raise StoreError(f"{self.url()}: could not {doing}: {exc}".strip()) from exc

    def __repr__(self) -> str:
        state = f"port {self.port}" if self.running else "stopped"
        return f"TemporaryPostgres({self.root or 'not started'}, {state})"


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise StoreError(
            f"database name {name!r} is not allowed: use letters, digits and _, "
            "starting with a letter or _, at most 63 characters"
        )


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _tail(text: str, lines: int = _TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])
