"""Running a command as a child process: wall time, peak memory and the machine's load."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE")


def claimtrack_command() -> list[str]:
    """The installed console script beside this interpreter (no version-manager shim)."""
    script = Path(sys.executable).with_name("claimtrack")
    if script.exists():
        return [str(script)]
    found = shutil.which("claimtrack")
    if not found:
        raise SystemExit("claimtrack is not installed (pip install -e .)")
    return [found]


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def run(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 3600.0
) -> dict[str, Any]:
    """Run ``args`` with output discarded; time it and measure its memory.

    ``maxrss_mb`` is the largest single process (the command or one of its workers, from
    wait4); ``tree_rss_mb`` and ``tree_pss_mb`` are the largest sums over the process tree of
    resident and of proportional memory, sampled every 50 ms. Forked workers share pages with
    their parent: the RSS sum counts those once per process, the PSS sum once in all.
    """
    before = load()
    started = time.perf_counter()
    child = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or os.environ.copy()
    )
    sampler = _TreeSampler(child.pid)
    sampler.start()
    stderr: list[bytes] = []
    pipe = child.stderr
    assert pipe is not None
    reader = threading.Thread(target=lambda: stderr.append(pipe.read()), daemon=True)
    reader.start()
    killer = threading.Timer(timeout, child.kill)
    killer.start()
    # wait4 rather than Popen.wait: its rusage is this child's (and its reaped workers') alone.
    _, status, usage = os.wait4(child.pid, 0)
    killer.cancel()
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    sampler.stop()
    err = b"".join(stderr)
    return {
        "command": " ".join(args),
        "seconds": seconds,
        "returncode": child.returncode,
        "timed_out": child.returncode == -9,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "maxrss_mb": usage.ru_maxrss / 1024,
        "tree_rss_mb": sampler.peak / 1e6,
        "tree_pss_mb": sampler.peak_pss / 1e6,
        "load_before": before,
        "stderr_tail": err.decode(errors="replace")[-400:] if child.returncode else "",
    }


class _TreeSampler(threading.Thread):
    """Peak total resident memory of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.peak_pss = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            pids = _tree(self.pid)
            self.peak = max(self.peak, sum(map(_rss, pids)))
            self.peak_pss = max(self.peak_pss, sum(map(_pss, pids)))

    def stop(self) -> None:
        self.done.set()
        self.join()


def _tree(root: int) -> list[int]:
    """The process ``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss(pid: int) -> int:
    """A process's resident bytes (0 once it has gone): pages it shares count in full."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE
    except OSError:
        return 0


def _pss(pid: int) -> int:
    """A process's proportional bytes (0 once it has gone): a page shared by n processes counts
    1/n, so summed over a tree it is what the tree costs the machine."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def repeat(args: list[str], times: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a short command ``times`` times; report the median and the best."""
    runs = [run(args, env=env) for _ in range(times)]
    seconds = sorted(r["seconds"] for r in runs)
    cpu = sorted(r["cpu_s"] for r in runs)
    return {
        "command": runs[0]["command"],
        "median_s": seconds[len(seconds) // 2],
        "best_s": seconds[0],
        "median_cpu_s": cpu[len(cpu) // 2],
        "runs": times,
        "returncode": runs[-1]["returncode"],
        "tree_rss_mb": max(r["tree_rss_mb"] for r in runs),
        "tree_pss_mb": max(r["tree_pss_mb"] for r in runs),
        "load_before": runs[0]["load_before"],
    }
