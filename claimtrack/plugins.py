"""Plugin manager: discovery, blocking, isolated loading and calling, and listing.

Discovery order: core defaults, bundled ``claimtrack_plugins.*`` modules, installed
distributions through the ``claimtrack`` entry-point group, then ``.py`` files from an explicit
plugins directory. A plugin that fails to import, implements an unknown hook, raises or returns
garbage is recorded against its name; every other plugin keeps working.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from traceback import format_exc
from types import ModuleType
from typing import Any

import pluggy

from claimtrack import hookspecs
from claimtrack.errors import PluginError
from claimtrack.model import PluginFailure
from claimtrack.sandbox import writes_forbidden

ENTRY_POINT_GROUP = "claimtrack"
BUNDLED_PACKAGE = "claimtrack_plugins"
CORE_DEFAULTS = ("claimtrack.loader",)
DISABLE_ENV = "CLAIMTRACK_DISABLE_PLUGINS"
PLUGINS_DIR_ENV = "CLAIMTRACK_PLUGINS_DIR"
TIMEOUT_ENV = "CLAIMTRACK_PLUGIN_TIMEOUT"
#: Seconds one plugin may spend on one hook call for one article before it is stopped.
DEFAULT_TIMEOUT = 60.0
HOOK_NAMES = frozenset(name for name in vars(hookspecs) if name.startswith("claimtrack_"))


class PluginTimeout(BaseException):
    """A plugin call ran past its time limit.

    A ``BaseException`` so that a plugin's own ``except Exception`` cannot swallow it.
    """


@dataclass
class PluginInfo:
    """What the manager knows about one plugin, for ``claimtrack plugins``."""

    name: str
    origin: str  # "core", "bundled", "dist==version" or a file path
    hooks: list[str] = field(default_factory=list)
    status: str = "loaded"  # loaded, disabled, failed
    error: str | None = None
    version: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The record ``claimtrack plugins --json`` prints."""
        return {
            "name": self.name,
            "origin": self.origin,
            "hooks": self.hooks,
            "status": self.status,
            "error": self.error,
        }


class PluginHost:
    """A pluggy manager with claimtrack's discovery rules and per-plugin isolation."""

    def __init__(self, timeout: float | None = None) -> None:
        self.pm = pluggy.PluginManager("claimtrack")
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []
        self.timeout = timeout if timeout is not None else _env_timeout()

    # -- loading ---------------------------------------------------------------------------

    def register(self, plugin: object, name: str, origin: str, version: str | None = None) -> bool:
        """Register one plugin object, validating its hooks; return whether it loaded."""
        info = PluginInfo(name=name, origin=origin, version=version)
        self.infos[name] = info
        unknown = [
            attr
            for attr in dir(plugin)
            if attr.startswith("claimtrack_") and attr not in HOOK_NAMES
        ]
        if unknown:
            return self._fail(info, f"unknown hook {', '.join(sorted(unknown))} (misspelt?)")
        try:
            self.pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            return self._fail(info, f"invalid hook implementation: {_first_line(exc)}")
        info.hooks = sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or [])
        return True

    def block(self, name: str, origin: str) -> None:
        """Record a plugin that was blocked before it was loaded."""
        self.pm.set_blocked(name)
        self.infos[name] = PluginInfo(name=name, origin=origin, status="disabled")

    def load_module(self, module_name: str, name: str, origin: str, disabled: set[str]) -> None:
        """Import a module by name and register it, unless it is disabled or fails."""
        if name in disabled:
            self.block(name, origin)
            return
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # a broken plugin must not stop the others
            info = PluginInfo(name=name, origin=origin)
            self._fail(info, f"import failed: {_describe(exc)}", format_exc())
            return
        self.register(module, name, origin, version=_module_version(module))

    def load_file(self, path: Path, disabled: set[str]) -> None:
        """Import a ``.py`` file from a plugins directory and register it."""
        name = path.stem
        if name in disabled:
            self.block(name, str(path))
            return
        module_name = f"claimtrack_user_plugins.{name}"
        try:
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot import {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
        except Exception as exc:  # a broken plugin must not stop the others
            sys.modules.pop(module_name, None)
            info = PluginInfo(name=name, origin=str(path))
            self._fail(info, f"import failed: {_describe(exc)}", format_exc())
            return
        self.register(module, name, str(path))

    def _fail(self, info: PluginInfo, message: str, traceback: str = "") -> bool:
        info.status, info.error = "failed", message
        self.infos[info.name] = info
        self.failures.append(PluginFailure(info.name, message, "load", traceback))
        return False

    # -- calling ---------------------------------------------------------------------------

    def implementations(self, hook: str) -> list[tuple[str, Callable[..., Any], list[str]]]:
        """(plugin name, function, argument names) for a hook, in pluggy's calling order."""
        caller = getattr(self.pm.hook, hook)
        return [
            (impl.plugin_name, impl.function, list(impl.argnames))
            for impl in reversed(caller.get_hookimpls())
        ]

    def call_each(
        self,
        hook: str,
        stage: str | None = None,
        propagate: tuple[type[BaseException], ...] = (),
        **kwargs: Any,
    ) -> Iterator[tuple[str, Any]]:
        """Call each implementation of ``hook`` on its own; yield (plugin name, result).

        An implementation that raises or runs out of time is recorded in ``failures`` and
        skipped, except for the exception types in ``propagate``. Generators are consumed inside
        the time limit so that their errors are caught.
        """
        for name, function, argnames in self.implementations(hook):
            ok, result = self.call_one(hook, name, function, argnames, stage, propagate, kwargs)
            if ok:
                yield name, result

    def call_one(
        self,
        hook: str,
        name: str,
        function: Callable[..., Any],
        argnames: list[str],
        stage: str | None,
        propagate: tuple[type[BaseException], ...],
        kwargs: dict[str, Any],
    ) -> tuple[bool, Any]:
        """Call one implementation in isolation; return (succeeded, result)."""
        try:
            with time_limit(self.timeout), writes_forbidden(f"plugin {name}"):
                result = function(**{arg: kwargs[arg] for arg in argnames})
                if type(result) is not list and isinstance(result, Iterator):
                    result = list(result)
        except propagate:
            raise
        except PluginTimeout:
            self.record(name, f"{hook} took longer than {self.timeout:g} s and was stopped", stage)
            return False, None
        except Exception as exc:  # isolate the plugin: report it, keep the others
            self.record(name, f"{hook} raised {_describe(exc)}", stage, format_exc())
            return False, None
        return True, result

    def first_result(
        self, hook: str, propagate: tuple[type[BaseException], ...] = (), **kwargs: Any
    ) -> Any:
        """Call implementations in order until one returns something other than None."""
        for _name, result in self.call_each(hook, propagate=propagate, **kwargs):
            if result is not None:
                return result
        return None

    def record(
        self, plugin: str, message: str, stage: str | None = None, traceback: str = ""
    ) -> None:
        """Record a failure of ``plugin`` (with the traceback of what it raised, if anything)."""
        self.failures.append(PluginFailure(plugin, message, stage or "", traceback))

    def take_failures(self) -> list[PluginFailure]:
        """Return and clear the failures recorded since the last call."""
        taken = self.failures
        self.failures = []
        return taken


# Whether ``time_limits`` has the SIGALRM handler in place (main thread only).
_handler_installed = False


def _expire(signum: int, frame: object) -> None:
    raise PluginTimeout


def _alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limits() -> Iterator[None]:
    """Keep the handler that ``time_limit`` needs installed for the whole block.

    A scan calls a dozen hook implementations per article; installing the handler once around
    them, not around each call, leaves each call two ``setitimer`` calls. Nesting is harmless.
    """
    global _handler_installed
    if _handler_installed or not _alarm_usable():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    _handler_installed = True
    try:
        yield
    finally:
        _handler_installed = False
        signal.signal(signal.SIGALRM, previous)


def time_limit(seconds: float) -> AbstractContextManager[None]:
    """Raise ``PluginTimeout`` in the block after ``seconds`` (main thread on POSIX only).

    Inside another limit (a plugin asking the core to score a pair), the outer limit is put
    back afterwards with the time it had left.
    """
    return _TimeLimit(seconds)


class _TimeLimit:
    """The context manager of :func:`time_limit` (a class: it runs around every hook call)."""

    __slots__ = ("handler", "outer", "seconds", "started")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.handler: AbstractContextManager[None] | None = None
        self.outer = self.started = 0.0

    def __enter__(self) -> None:
        if self.seconds <= 0 or not _alarm_usable():
            self.seconds = 0
            return
        if not _handler_installed:
            self.handler = time_limits()
            self.handler.__enter__()
        self.outer, _interval = signal.setitimer(signal.ITIMER_REAL, self.seconds)
        if self.outer:
            self.started = time.monotonic()

    def __exit__(self, *exc: object) -> None:
        if self.seconds <= 0:
            return
        if self.outer:
            left = self.outer - (time.monotonic() - self.started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6))
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if self.handler is not None:
            self.handler.__exit__(None, None, None)


def load_plugins(
    disable: Iterable[str] = (),
    plugins_dir: str | os.PathLike[str] | None = None,
    bundled: bool = True,
    entry_points: bool = True,
    timeout: float | None = None,
) -> PluginHost:
    """Discover and register every plugin, honouring ``--disable`` and the environment."""
    host = PluginHost(timeout=timeout)
    disabled = set(disable) | disabled_from_env()
    for module_name in CORE_DEFAULTS:
        host.load_module(module_name, module_name.rsplit(".", 1)[-1], "core", set())
    if bundled:
        for module_name in bundled_modules():
            host.load_module(module_name, module_name.rsplit(".", 1)[-1], "bundled", disabled)
    if entry_points:
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = ep.dist
            origin = f"{dist.name}=={dist.version}" if dist else "entry point"
            if ep.name in disabled:
                host.block(ep.name, origin)
                continue
            try:
                plugin = ep.load()
            except Exception as exc:  # a broken distribution must not stop the others
                host._fail(PluginInfo(ep.name, origin), f"import failed: {_describe(exc)}")
                continue
            host.register(plugin, ep.name, origin, version=dist.version if dist else None)
    directory = plugins_dir or os.environ.get(PLUGINS_DIR_ENV)
    if directory:
        path = Path(directory)
        if not path.is_dir():
            raise PluginError(f"plugins directory not found: {path}")
        for file in sorted(path.glob("*.py")):
            if not file.name.startswith("_"):
                host.load_file(file, disabled)
    return host


def bundled_modules() -> list[str]:
    """Module names of the bundled plugins (private modules starting with ``_`` excluded)."""
    package = importlib.import_module(BUNDLED_PACKAGE)
    return sorted(
        f"{BUNDLED_PACKAGE}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_") and not info.ispkg
    )


def disabled_from_env() -> set[str]:
    """Plugin names listed in ``CLAIMTRACK_DISABLE_PLUGINS`` (comma or space separated)."""
    raw = os.environ.get(DISABLE_ENV, "")
    return {name for name in raw.replace(",", " ").split() if name}


def _env_timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        return float(raw)
    except ValueError as exc:
        raise PluginError(f"{TIMEOUT_ENV} must be a number of seconds, not {raw!r}") from exc


def _module_version(module: ModuleType) -> str | None:
    version = getattr(module, "__version__", None)
    return str(version) if version else None


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
