"""Helpers for testing plugins: run a plugin on a text in a fresh plugin host.

``run_plugins`` never touches the database, the environment's plugin settings or the plugins
installed on the machine: only the plugins you pass (and, if asked, the bundled ones) run.

    from claimtrack.testing import run_plugins
    import my_plugin

    def test_finds_the_promise():
        result = run_plugins("We will cut taxes by 2030.", my_plugin)
        assert [c.text for c in result.claims] == ["We will cut taxes by 2030."]
        assert not result.errors
"""

from __future__ import annotations

import importlib
from types import ModuleType

from claimtrack.errors import PluginError
from claimtrack.model import Metadata, ScanResult
from claimtrack.pipeline import scan_article
from claimtrack.plugins import CORE_DEFAULTS, PluginHost, bundled_modules
from claimtrack.text import make_article

#: The ``source`` of articles made by ``run_plugins``.
TEST_SOURCE = "<test>"

__all__ = ["TEST_SOURCE", "make_host", "run_plugins"]


def make_host(*plugins: object, bundled: bool = False, timeout: float | None = None) -> PluginHost:
    """A fresh plugin host holding the core defaults and ``plugins`` (modules, objects or names).

    The core defaults (the file loader) let the host scan files, e.g. with
    ``claimtrack.evaluation.evaluate``; nothing installed or in a plugins folder is loaded.
    With ``bundled=True`` the bundled plugins are registered first, so yours run beside them as
    they would in ``claimtrack scan``. Raises ``PluginError`` if one of ``plugins`` cannot be
    registered (an unknown hook name, say), so a broken plugin fails its test loudly.
    """
    host = PluginHost(timeout=timeout)
    for module_name in CORE_DEFAULTS:
        host.load_module(module_name, module_name.rsplit(".", 1)[-1], "core", set())
    if bundled:
        for module_name in bundled_modules():
            host.load_module(module_name, module_name.rsplit(".", 1)[-1], "bundled", set())
    for plugin in plugins:
        module = importlib.import_module(plugin) if isinstance(plugin, str) else plugin
        name = _unique_name(host, _plugin_name(module))
        if not host.register(module, name, "test"):
            raise PluginError(f"plugin {name}: {host.infos[name].error}")
    host.take_failures()  # bundled load failures are not the tested plugin's
    return host


def run_plugins(
    text: str,
    *plugins: object,
    title: str | None = None,
    bundled: bool = False,
    timeout: float | None = None,
) -> ScanResult:
    """Scan ``text`` with only ``plugins`` (and the bundled plugins if ``bundled``).

    ``plugins`` are modules, objects with hook methods or importable module names. The text is
    segmented exactly as ``claimtrack scan`` would; ``title`` sets the article's metadata title.
    A plugin that raises or returns something malformed does not raise here: its failure is in
    ``result.errors``, as ``scan`` would report it. Nothing is stored.
    """
    host = make_host(*plugins, bundled=bundled, timeout=timeout)
    article = make_article(text, TEST_SOURCE, Metadata(title=title))
    return scan_article(host, article)


def _plugin_name(plugin: object) -> str:
    if isinstance(plugin, ModuleType):
        return plugin.__name__.rsplit(".", 1)[-1]
    return type(plugin).__name__ if not isinstance(plugin, type) else plugin.__name__


def _unique_name(host: PluginHost, name: str) -> str:
    candidate, number = name, 1
    while candidate in host.infos:
        number += 1
        candidate = f"{name}-{number}"
    return candidate
