"""Scanning on a Dask cluster: the pipeline of ``claimtrack scan``, run on Dask workers.

Sources are cut into tasks of :data:`CHUNK`; each worker process builds its plugin host (and so
whatever model the plugins load) once, on its first task, and keeps it for the next ones. The
client keeps a bounded window of tasks in flight, takes them back as they finish
(``as_completed``) and hands out the outcomes in input order, so storing them gives exactly the
database a local scan gives. Dask reschedules the tasks of a worker that dies; a task that kills
workers too often (``distributed.scheduler.allowed-failures``) is split and its sources retried
one by one, so only the source that kills workers is reported (workers take one task at a time,
``worker-saturation`` 1.0, so a dying worker takes no other task with it). Each task's outcomes
are handed out once, however often it ran.

Workers must reach the sources (a shared folder, or URLs) and have claimtrack and the plugins
installed; ``--plugins-dir`` names a folder on the workers. Plugin time limits need the main
thread, and Dask runs tasks in a thread pool: on a worker the whole scan of one article is
limited instead, to the plugin limit times the number of plugins (:class:`_Deadline`).
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from claimtrack.errors import ArticleError, ClaimtrackError, UsageError
from claimtrack.model import ScanResult
from claimtrack.plugins import PluginHost, load_plugins
from claimtrack.text import make_article

if TYPE_CHECKING:
    from dask.bag import Bag
    from distributed import Client, Future

#: Sources one task scans: enough to amortise a task's round trip (a few milliseconds).
CHUNK = 8
#: Tasks in flight per worker thread: keeps workers busy while bounding results held in memory.
WINDOW_PER_THREAD = 4
#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = 10
#: Source of the articles made from texts (``scan_texts``), as for standard input.
TEXT_SOURCE = "-"


class ClusterError(ClaimtrackError):
    """Dask is not installed, or the cluster cannot be reached or lost a task for good."""


@dataclass(frozen=True)
class Outcome:
    """One source scanned on the cluster: its result, or the one-line reason it has none."""

    source: str
    result: ScanResult | None = None
    error: str | None = None


@dataclass(frozen=True)
class HostOptions:
    """How workers load their plugins: the ``--disable`` names and ``--plugins-dir``."""

    disable: tuple[str, ...] = ()
    plugins_dir: str | None = None


@contextmanager
def connect(spec: str) -> Iterator[Client]:
    """A Dask client for ``spec``: ``local:N`` or a scheduler address (``tcp://host:8786``).

    ``local:N`` starts a ``distributed.LocalCluster`` of N single-threaded worker processes on
    this machine and closes it afterwards; an address connects to a running scheduler.
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError(
            "Dask is not installed; install it with: pip install 'claimtrack[cluster]'"
        ) from exc
    if spec.startswith("local:"):
        count = spec.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise UsageError(f"--cluster {spec}: local:N needs a number of workers N ≥ 1")
        with (
            # One task at a time per worker thread: a worker that dies takes only the task it
            # was running, so the task (and then the one source) that killed it is known.
            dask.config.set({"distributed.scheduler.worker-saturation": 1.0}),
            LocalCluster(
                n_workers=int(count),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # Its HTTP server (metrics, no dashboard) on this machine, on a free port.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    if "://" not in spec:
        raise UsageError(f"--cluster {spec}: give local:N or a scheduler address tcp://HOST:PORT")
    try:
        client = Client(spec, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {spec} ({exc})") from exc
    with client:
        yield client


def scan_sources(
    client: Client,
    sources: Sequence[str],
    options: HostOptions = HostOptions(),
    done: Callable[[int], None] | None = None,
) -> Iterator[Outcome]:
    """Scan ``sources`` on the cluster of ``client``; yield one outcome per source, in order.

    ``done(n)`` is called as each task finishes, with its number of sources (a progress bar).
    A source that cannot be read has an outcome with ``error``, as in a local scan.
    """
    from distributed import as_completed

    chunks = [tuple(sources[i : i + CHUNK]) for i in range(0, len(sources), CHUNK)]
    window = max(2, WINDOW_PER_THREAD * sum(client.nthreads().values()))
    run = uuid.uuid4().hex[:12]
    waiting = as_completed()
    task: dict[str, tuple[int, int]] = {}  # future key → (chunk, source in a split chunk or -1)
    split: dict[int, list[Outcome | None]] = {}
    finished: dict[int, list[Outcome]] = {}
    submitted = handed = 0

    def submit(index: int, chunk: tuple[str, ...], part: int = -1) -> None:
        key = f"claimtrack-scan-{run}-{index}-{part}"
        waiting.add(client.submit(_scan_chunk, chunk, options, key=key, pure=False))
        task[key] = (index, part)

    while handed < len(chunks):
        while submitted < len(chunks) and submitted - handed < window:
            submit(submitted, chunks[submitted])
            submitted += 1
        future = next(waiting)
        index, part = task.pop(future.key)
        outcomes = _collect(future, chunks[index] if part < 0 else (chunks[index][part],))
        if outcomes is None:  # the chunk killed workers: retry its sources one by one
            split[index] = [None] * len(chunks[index])
            for number, source in enumerate(chunks[index]):
                submit(index, (source,), number)
            continue
        if part >= 0:
            split[index][part] = outcomes[0]
            if None in split[index]:
                continue
            outcomes = [o for o in split.pop(index) if o is not None]
        if done is not None:
            done(len(outcomes))
        finished[index] = outcomes
        while handed in finished:
            yield from finished.pop(handed)
            handed += 1


def _collect(future: Future, chunk: tuple[str, ...]) -> list[Outcome] | None:
    """The outcomes of a finished task; None if a task of several sources killed workers."""
    from distributed.scheduler import KilledWorker

    try:
        outcomes: list[Outcome] = future.result()
        return outcomes
    except KilledWorker:
        if len(chunk) > 1:
            return None
        return [Outcome(s, error=f"{s}: every worker that scanned it died") for s in chunk]
    except Exception as exc:  # the task itself never raises: the cluster lost it
        raise ClusterError(
            f"the cluster lost the task scanning {chunk[0]} ({type(exc).__name__}: {exc})"
        ) from exc


def scan_texts(bag: Bag, options: HostOptions = HostOptions()) -> Bag:
    """A ``dask.bag`` of :class:`Outcome` for a bag of article texts, scanned on its workers.

    The articles' source is ``-``, as for standard input; the store recognises them by content.
    """
    return bag.map(_scan_text, options=options)


def host_options(
    disable: Iterable[str] | None, plugins_dir: os.PathLike[str] | None
) -> HostOptions:
    """Worker plugin options from the command's, with this machine's environment settings."""
    from claimtrack.plugins import PLUGINS_DIR_ENV, disabled_from_env

    directory = plugins_dir or os.environ.get(PLUGINS_DIR_ENV)
    return HostOptions(
        disable=tuple(sorted(set(disable or ()) | disabled_from_env())),
        plugins_dir=str(directory) if directory else None,
    )


# -- on the workers ---------------------------------------------------------------------------

_hosts: dict[HostOptions, PluginHost] = {}
# One scan at a time per worker process: the plugin host records failures per scan, and the
# pipeline is Python code that holds the GIL anyway (run workers with one thread each).
_lock = threading.Lock()


def _worker_host(options: HostOptions) -> PluginHost:
    """This worker's plugin host for ``options``, loaded on first use (call with ``_lock``)."""
    host = _hosts.get(options)
    if host is None:
        host = load_plugins(disable=options.disable, plugins_dir=options.plugins_dir)
        host.take_failures()  # the client reported load failures once
        _hosts[options] = host
    return host


def _scan_chunk(sources: tuple[str, ...], options: HostOptions) -> list[Outcome]:
    from claimtrack.pipeline import scan_source

    with _lock:
        host = _worker_host(options)
        return [_guarded(host, source, partial(scan_source, host, source)) for source in sources]


def _scan_text(text: str, options: HostOptions) -> Outcome:
    from claimtrack.loader import text_metadata
    from claimtrack.pipeline import scan_article

    with _lock:
        host = _worker_host(options)
        article = partial(make_article, text, TEXT_SOURCE, text_metadata(text))
        return _guarded(host, TEXT_SOURCE, lambda: scan_article(host, article()))


class ScanTimeout(BaseException):
    """Raised in a worker's scanning thread when one article's scan runs past its deadline.

    Not an ``Exception``: the plugin host's isolation must not catch it, the article is dropped.
    """


class _Deadline:
    """Raise :class:`ScanTimeout` in this thread if the block runs longer than ``seconds``.

    The exception is set asynchronously (``PyThreadState_SetAsyncExc``) and raised at the next
    Python instruction; one still pending when the block ends is withdrawn.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.thread = threading.get_ident()
        self.guard = threading.Lock()
        self.running = self.fired = False
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True

    def __enter__(self) -> None:
        if self.seconds > 0:
            self.running = True
            self.timer.start()

    def _expire(self) -> None:
        with self.guard:
            if self.running:
                self.fired = True
                _async_raise(self.thread, ScanTimeout)

    def __exit__(self, *exc: object) -> None:
        with self.guard:
            self.running = False
            self.timer.cancel()
            if self.fired:
                _async_raise(self.thread, None)


def _async_raise(thread: int, exception: type[BaseException] | None) -> None:
    setter = ctypes.pythonapi.PyThreadState_SetAsyncExc
    setter(ctypes.c_ulong(thread), ctypes.py_object(exception) if exception else None)


def _guarded(host: PluginHost, source: str, scan: Callable[[], ScanResult]) -> Outcome:
    """Scan one source; an unreadable one, one past its deadline, or a core failure is its
    outcome's error.

    A local scan stops at a failure of the core itself; on a cluster the other sources go on.
    """
    seconds = host.timeout * max(1, len(host.infos))
    try:
        with _Deadline(seconds):
            return Outcome(source, result=scan())
    except ScanTimeout:
        host.take_failures()
        return Outcome(source, error=f"{source}: scan took longer than {seconds:g} s on a worker")
    except ArticleError as exc:
        return Outcome(source, error=str(exc))
    except Exception as exc:  # a bug in the core: reported with the source, the run goes on
        return Outcome(source, error=f"{source}: scan failed ({type(exc).__name__}: {exc})")
