"""Article text is data, never markup: no escape sequence, rich markup or formula gets through."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack import exchange
from claimtrack.cli import app
from claimtrack.terminal import clean, safe

runner = CliRunner()

HOSTILE = (
    "The mayor said the [bold red]port[/bold red] moved 40 million tonnes in 2021. "
    "The council spent \x1b[31m$3 million\x1b[0m on roads last year, the report said.\n\n"
    '=HYPERLINK("http://evil.example","click") cost taxpayers 12 per cent more in 2022.\n\n'
    "Officials said unemployment fell to 4\u202e% in March 2023, down from 6 per cent.\n\n"
    "\x1b]8;;http://evil.example\x1b\\The budget grew by 9 per cent, the minister said.\x07\n\n"
    "Officials said </script><script>alert(1)</script> spending rose 5 per cent in 2021.\n"
)


OTHER = HOSTILE.replace("40 million", "41 million")  # a repeat in another article: `similar`
ADDED = "\nThe mayor \x1b[5msaid\x1b[0m the [red]deficit[/red] fell 3 per cent in 2020.\n"
NOTE = "[link=http://evil.example]trust me[/link] \x1b[2J"
EVIL_PLUGIN = (
    '"""\x1b[31m[bold red]evil[/bold red] plugin\x07"""\n'
    'raise RuntimeError("\\x1b]8;;http://evil.example\\x1b\\\\[blink]boom[/blink] \\u202e")\n'
)


def invoke(root: Path, *args: str) -> str:
    result = runner.invoke(
        app,
        [*args, "--db", str(root / "db")],
        env={"CLAIMTRACK_DISABLE_PLUGINS": None, "CLAIMTRACK_PLUGINS_DIR": None},
    )
    assert result.exit_code in (0, 3), result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a database holding hostile articles, a note, a rescan and a leftover file,
    and a plugin folder with a plugin whose failure message is hostile; built once."""
    root = tmp_path_factory.mktemp("desk")
    first, second = root / "hostile.txt", root / "other.txt"
    first.write_text(HOSTILE, encoding="utf-8")
    second.write_text(OTHER, encoding="utf-8")
    invoke(root, "scan", "--json", str(first))
    invoke(root, "scan", "--json", str(second))
    first.write_text(HOSTILE + ADDED, encoding="utf-8")
    invoke(root, "scan", "--json", str(first))  # a rescan: `diff` shows the added sentence
    claim = json.loads(invoke(root, "claims", "--json"))[0]["id"]
    invoke(root, "note", claim, NOTE)
    (root / "plugins").mkdir()
    (root / "plugins" / "evil.py").write_text(EVIL_PLUGIN, encoding="utf-8")
    return root


@pytest.fixture
def hostile(desk: Path, db_path: Path) -> Path:
    """A copy of the hostile database as the test's database; the path of the hostile article."""
    shutil.copytree(desk / "db", db_path)
    return desk / "hostile.txt"


def assert_inert(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output
    assert "\u202e" not in output


def test_clean_makes_controls_visible() -> None:
    assert clean("a\x1b[31mb\u202ec\x07") == "a\\x1b[31mb\\x202ec\\x07"
    assert safe("[bold red]x[/bold red]").plain == "[bold red]x[/bold red]"


# For each command, a piece of hostile text it must show, made harmless.
SHOWN = {
    "claims": "[bold red]",
    "scan": "[bold red]",
    "report": "[bold red]",
    "log": "[link=http://evil.example]",
    "diff": "\\x1b[5msaid",
    "plugins": "[blink]boom[/blink]",
}


@pytest.mark.parametrize(
    "command",
    [
        ["claims"],
        ["report"],
        ["articles"],
        ["scan", "--force", "{path}"],
        ["report", "--no-text"],
        ["log"],
        ["similar", "{claim}"],
        ["search", "port moved tonnes"],
        ["diff", "{path}"],
        ["plugins", "--all", "--plugins-dir", "{plugins}"],
        ["db", "check"],
    ],
    ids=" ".join,
)
def test_tables_show_article_text_literally(hostile: Path, command: list[str]) -> None:
    claims = json.loads(runner.invoke(app, ["claims", "--json"]).stdout)
    repeated = next(c["id"] for c in claims if "40 million" in c["text"])
    repeat = next(c["id"] for c in claims if "41 million" in c["text"])
    values = {
        "{path}": str(hostile),
        "{claim}": repeated,
        "{plugins}": str(hostile.parent / "plugins"),
    }
    args = [values.get(part, part) for part in command]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code in (0, 3), result.stderr
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    if command[0] in SHOWN and command != ["report", "--no-text"]:
        assert SHOWN[command[0]] in result.stdout
    if command[0] in ("similar", "search"):
        assert repeat[:8] in result.stdout  # the repeat in the other article was found


def test_show_and_history_are_inert(hostile: Path) -> None:
    claims = json.loads(runner.invoke(app, ["claims", "--json"]).stdout)
    for claim in claims:
        for command in (["show", claim["id"]], ["history", claim["id"]]):
            result = runner.invoke(app, command, env={"COLUMNS": "250"})
            assert result.exit_code == 0, result.stderr
            assert_inert(result.stdout)


def test_notes_with_markup_are_shown_literally(hostile: Path) -> None:
    claim = json.loads(runner.invoke(app, ["claims", "--json"]).stdout)[0]["id"]
    assert runner.invoke(app, ["dispute", claim, "--note", NOTE]).exit_code == 0
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


def test_csv_export_command_neutralises_formulas_and_keeps_the_data(
    hostile: Path, tmp_path: Path
) -> None:
    claims = json.loads(runner.invoke(app, ["claims", "--json"]).stdout)
    assert any(c["text"].startswith("=HYPERLINK") for c in claims)
    output = tmp_path / "claims.csv"
    piped = runner.invoke(app, ["export", "--format", "csv"])
    assert runner.invoke(app, ["export", "--format", "csv", "--output", str(output)]).exit_code == 0
    for text in (piped.stdout, output.read_text(encoding="utf-8")):
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert {r["text"] for r in rows} == {exchange.spreadsheet_safe(c["text"]) for c in claims}
        assert any(r["text"].startswith("'=HYPERLINK") for r in rows)
        assert all(not v.startswith(exchange.FORMULA_START) for r in rows for v in r.values())
        assert "\x1b[31m" in text  # a file or a pipe gets the data exactly


def test_claimreview_export_escapes_and_round_trips(hostile: Path, tmp_path: Path) -> None:
    verified = runner.invoke(app, ["verify", "--article", str(hostile), "--yes", "--note", NOTE])
    assert verified.exit_code == 0, verified.stderr
    claims = {c["id"]: c for c in json.loads(runner.invoke(app, ["claims", "--json"]).stdout)}
    output = tmp_path / "reviews.json"
    exported = runner.invoke(app, ["export", "--format", "claimreview", "--output", str(output)])
    assert exported.exit_code == 0, exported.stderr
    text = output.read_text(encoding="utf-8")
    assert "<" not in text and ">" not in text and "&" not in text and "\x1b" not in text
    reviews = json.loads(text)
    reviewed = {c["claim"] for c in claims.values() if c["status"] == "verified"}
    assert {r["claimReviewed"] for r in reviews} == reviewed
    assert any("</script>" in r["claimReviewed"] for r in reviews)
    assert any("\x1b[31m" in r["claimReviewed"] for r in reviews)
    back = runner.invoke(app, ["import", str(output), "--json"])
    assert back.exit_code == 0, back.stderr
    assert json.loads(back.stdout)["unmatched"] == 0


@pytest.mark.parametrize("format_", ["jsonl", "csv", "markdown", "claimreview"])
def test_export_to_a_terminal_is_inert(hostile: Path, format_: str, terminal: Any) -> None:
    runner.invoke(app, ["verify", "--article", str(hostile), "--yes"])
    code, shown, stderr = terminal(["export", "--format", format_])
    assert code == 0, stderr
    assert_inert(shown)
    assert "Traceback" not in stderr
    piped = runner.invoke(app, ["export", "--format", format_]).stdout
    assert "\x1b" in piped or "\\u001b" in piped  # the hostile text is there
    if format_ == "jsonl":  # JSON escapes: the terminal shows exactly the same data
        assert [json.loads(line) for line in shown.splitlines()] == [
            json.loads(line) for line in piped.splitlines()
        ]
    elif format_ == "claimreview":
        assert json.loads(shown) == json.loads(piped)
    else:
        assert "\\x1b[31m" in shown


def test_export_file_names_come_from_the_user_not_from_titles() -> None:
    # No command derives a file name from an article title; exports go to the path given.
    # This guards the rule: if such a helper appears, it must be tested here against "../".
    names = [n for n in dir(exchange) if "slug" in n.lower() or "filename" in n.lower()]
    assert names == []


def test_articles_text_to_a_terminal_is_inert(hostile: Path, terminal: Any) -> None:
    code, shown, stderr = terminal(["articles", str(hostile), "--text"])
    assert code == 0, stderr
    assert_inert(shown)
    assert "\\x1b[31m$3 million\\x1b[0m" in shown and "4\\x202e%" in shown
    assert "Traceback" not in stderr
    piped = runner.invoke(app, ["articles", str(hostile), "--text"]).stdout_bytes
    assert piped == (HOSTILE + ADDED).encode("utf-8")  # a pipe gets the text exactly
