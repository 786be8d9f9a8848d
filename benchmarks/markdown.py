"""Render a results JSON file as the Markdown tables of docs/performance.md.

python benchmarks/markdown.py benchmarks/results/latest.json
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson


def render(figures: dict[str, Any]) -> str:
    """The figures, stage breakdown and target verdicts as Markdown."""
    lines = [
        f"Run {figures['started']}, {figures['machine']['cores']} cores, Python "
        f"{figures['machine']['python']}, n = {figures['settings']['n']} articles; load average "
        f"{figures['machine']['load_at_start']} at the start, {figures.get('load_at_end')} at "
        "the end.",
        "",
        "| benchmark | wall | CPU | per article / ratio "
        "| peak memory (tree PSS / tree RSS / largest process) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    floor = figures["floor"]
    lines.append(
        f"| floor: read + regex split | {floor['seconds']:.2f} s | "
        f"{floor.get('cpu_ms_per_article', 0) * floor['articles'] / 1000:.2f} s | "
        f"{floor['ms_per_article']:.3f} ms ({floor['articles_per_s']:,.0f}/s) | "
        f"{floor['peak_traced_mb']:.1f} MB traced |"
    )
    for run in figures.get("scan", []):
        per = run["ms_per_article"]
        cpu_per = 1000 * run["cpu_s"] / run["articles"]
        lines.append(
            f"| scan {'--db' if run['store'] else '--no-store'} --jobs {run['jobs']} | "
            f"{run['seconds']:.1f} s | {run['cpu_s']:.1f} s | {per:.1f} ms wall, {cpu_per:.1f} ms "
            f"CPU = {per / floor['ms_per_article']:.0f}× floor wall, "
            f"{cpu_per / floor.get('cpu_ms_per_article', floor['ms_per_article']):.0f}× CPU | "
            f"{run['tree_pss_mb']:.0f} / {run['tree_rss_mb']:.0f} / {run['maxrss_mb']:.0f} MB |"
        )
    for row in figures.get("db", []):
        size = f"{row['claims']:,} claims"
        api = row["store_api"]
        for name, call in (("verify", "mark_s"), ("show", "claim_s")):
            lines.append(
                f"| `{name}` @ {size} | {row[name]['median_s'] * 1000:.0f} ms | "
                f"{row[name]['median_cpu_s'] * 1000:.0f} ms | Store API {api[call] * 1000:.1f} ms "
                f"| {row[name]['tree_rss_mb']:.0f} MB |"
            )
        report = row["report_no_text"]
        stopped = " (stopped)" if report["timed_out"] else ""
        lines.append(
            f"| `report --no-text` @ {size} | {report['seconds']:.1f} s{stopped} | "
            f"{report['cpu_s']:.1f} s | summary API {api['summary_s'] * 1000:.1f} ms | "
            f"{report['tree_rss_mb']:.0f} MB |"
        )
    start = figures.get("startup")
    if start:
        rich = start["import_rich"]
        for name, label in (
            ("import_rich", '`python -c "import rich"`'),
            ("help", "`claimtrack --help`"),
            ("claims_json_empty", "`claimtrack claims --json` (empty DB)"),
        ):
            run = start[name]
            lines.append(
                f"| {label} | {run['median_s'] * 1000:.0f} ms | {run['median_cpu_s'] * 1000:.0f} ms"
                f" | {run['median_s'] / rich['median_s']:.2f}× wall, "
                f"{run['median_cpu_s'] / rich['median_cpu_s']:.2f}× CPU | "
                f"{run['tree_rss_mb']:.0f} MB |"
            )
    stage = figures.get("stages")
    if stage:
        lines += [
            "",
            f"Scan time by stage, in one process ({stage['articles']} articles, "
            f"{stage['claims_per_article']:.1f} candidates and {stage['stored_per_article']:.1f} "
            "stored claims per article):",
            "",
            "| stage | ms / article |",
            "| --- | ---: |",
        ]
        lines += [f"| {name} | {ms:.2f} |" for name, ms in stage["ms_per_article"].items()]
        lines.append(f"| **total** | **{stage['total_ms_per_article']:.2f}** |")
        lines.append(f"| plugin loading, once per process | {stage['plugin_load_ms']:.0f} ms |")
        speed = stage.get("segmentation")
        if speed:
            lines += [
                "",
                f"Segmentation, CPU, median of {speed['repeats']} passes over {speed['articles']} "
                f"articles ({speed['megabytes']:.2f} MB): `make_article` (paragraphs, sentences, "
                f"quotes) {speed['make_article_cpu_mb_per_s']:.1f} MB/s; paragraphs and sentences "
                f"alone {speed['paragraphs_sentences_cpu_mb_per_s']:.1f} MB/s.",
            ]
    targets = figures.get("targets", {})
    if targets:
        lines += ["", "| target | measured | bound | holds |", "| --- | ---: | ---: | --- |"]
        for name, target in targets.items():
            value = target["value"]
            bound = f"≥ {target['at_least']}" if "at_least" in target else f"≤ {target['limit']}"
            extra = f" (CPU {target['cpu_ratio']:.2f})" if "cpu_ratio" in target else ""
            verdict = "yes" if target["holds"] else "**no**"
            lines.append(f"| {name} | {value:.2f}{extra} | {bound} | {verdict} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(orjson.loads(Path(sys.argv[1]).read_bytes())))
