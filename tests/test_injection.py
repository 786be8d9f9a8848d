"""Article text is data, never markup: no escape sequence, rich markup or formula gets through."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack import exchange
from claimtrack.cli import app
from claimtrack.terminal import clean, safe

runner = CliRunner()

HOSTILE = (
    "[bold red]Mayor[/bold red] said the port moved 40 million tonnes in 2021. "
    "The council spent \x1b[31m$3 million\x1b[0m on roads last year, the report said.\n\n"
    '=HYPERLINK("http://evil.example","click") cost taxpayers 12 per cent more in 2022.\n\n'
    "Officials said unemployment fell to 4\u202e% in March 2023, down from 6 per cent.\n\n"
    "\x1b]8;;http://evil.example\x1b\\The budget grew by 9 per cent, the minister said.\x07\n"
)


@pytest.fixture
def hostile(db_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    result = runner.invoke(app, ["scan", "--json", str(path)])
    assert result.exit_code in (0, 3), result.stderr
    return path


def assert_inert(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output
    assert "\u202e" not in output


def test_clean_makes_controls_visible() -> None:
    assert clean("a\x1b[31mb\u202ec\x07") == "a\\x1b[31mb\\x202ec\\x07"
    assert safe("[bold red]x[/bold red]").plain == "[bold red]x[/bold red]"


@pytest.mark.parametrize(
    "command",
    [["claims"], ["report"], ["articles"], ["scan", "{path}"], ["report", "--no-text"]],
)
def test_tables_show_article_text_literally(hostile: Path, command: list[str]) -> None:
    args = [str(hostile) if part == "{path}" else part for part in command]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code in (0, 3), result.stderr
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    if command[0] in ("claims", "scan") or command == ["report"]:
        assert "[bold red]" in result.stdout or "\\x1b" in result.stdout


def test_show_and_history_are_inert(hostile: Path) -> None:
    claims = json.loads(runner.invoke(app, ["claims", "--json"]).stdout)
    for claim in claims:
        for command in (["show", claim["id"]], ["history", claim["id"]]):
            result = runner.invoke(app, command, env={"COLUMNS": "250"})
            assert result.exit_code == 0, result.stderr
            assert_inert(result.stdout)


def test_notes_with_markup_are_shown_literally(hostile: Path) -> None:
    claim = json.loads(runner.invoke(app, ["claims", "--json"]).stdout)[0]["id"]
    note = "[link=http://evil.example]trust me[/link] \x1b[2J"
    assert runner.invoke(app, ["dispute", claim, "--note", note]).exit_code == 0
    result = runner.invoke(app, ["show", claim], env={"COLUMNS": "250"})
    assert_inert(result.stdout)
    assert "[link=http://evil.example]" in result.stdout


def test_json_output_round_trips_the_exact_text(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_bytes(HOSTILE.encode())
    result = runner.invoke(app, ["scan", "--json", "--all", "--no-store", str(path)])
    record = json.loads(result.stdout)
    text = path.read_bytes().decode("utf-8-sig")
    assert record["claims"]
    for claim in record["claims"]:
        assert claim["text"] == text[claim["start"] : claim["end"]]
    stored = runner.invoke(app, ["scan", "--json", str(path)]).stdout
    assert all(line.count("\n") == 0 for line in stored.splitlines())
    assert "\x1b" not in stored  # JSON escapes control characters as \u001b


def test_csv_export_neutralises_formulas(hostile: Path) -> None:
    claims = json.loads(runner.invoke(app, ["claims", "--json"]).stdout)
    forged = dict(
        claims[0], claim="=1+1", text="@SUM(A1:A9)", speaker={"name": "+cmd|' /C calc'!A0"}
    )
    out = io.StringIO()
    exchange.write_csv([*claims, forged], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(exchange.FORMULA_START), cell


def test_export_file_names_come_from_the_user_not_from_titles() -> None:
    # No command derives a file name from an article title; exports go to the path given.
    # This guards the rule: if such a helper appears, it must be tested here against "../".
    names = [n for n in dir(exchange) if "slug" in n.lower() or "filename" in n.lower()]
    assert names == []
