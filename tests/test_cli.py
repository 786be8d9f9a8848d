"""Each command through typer's test runner: exit codes, one-line errors and --json output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def scan_json(*args: str) -> list[dict]:
    result = invoke("scan", "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_scan_json_follows_the_contract(db_path: Path, harbour_path: Path) -> None:
    [record] = scan_json("--no-store", str(harbour_path))
    text = harbour_path.read_text(encoding="utf-8")
    assert record["schema"] == "claimtrack.scan/1"
    assert record["article"]["title"].startswith("Harbour expansion")
    assert record["article"]["published"] == "2021-03-03"
    assert record["claims"] and record["errors"] == []
    for claim in record["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["text"]
        assert claim["checkworthy"] is True and 0 <= claim["score"] <= 1
    assert not db_path.exists()


def test_scan_all_includes_candidates_that_are_not_checkworthy(
    desk: str, harbour_path: Path
) -> None:
    [some] = scan_json("--no-store", str(harbour_path))
    [every] = scan_json("--no-store", "--all", str(harbour_path))
    assert len(every["claims"]) > len(some["claims"])
    assert any(not c["checkworthy"] for c in every["claims"])


def test_scan_is_deterministic(desk: str, harbour_path: Path) -> None:
    assert scan_json("--no-store", str(harbour_path)) == scan_json("--no-store", str(harbour_path))


def test_scan_reads_standard_input(desk: str) -> None:
    result = invoke("scan", "--json", "--no-store", "-", input="The tax rose 4% in 2019.\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["article"]["source"] == "-"


def test_scan_directory_recursively_supported_files_only(desk: str, tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("Unemployment fell to 4% in 2019.")
    (tmp_path / "in" / "sub" / "b.md").write_text("# Note\n\nThe plant opened in 1971.")
    (tmp_path / "in" / "image.png").write_bytes(b"\x89PNG\x00")
    records = scan_json("--no-store", str(tmp_path / "in"))
    assert [Path(r["article"]["source"]).name for r in records] == ["a.txt", "b.md"]


def test_bad_inputs_get_one_line_and_exit_1(desk: str, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "latin.txt").write_bytes(b"\xff\xfe\x00\x00garbage\x80\x81")
    (tmp_path / "nothing").mkdir()
    for name in ("missing.txt", "empty.txt", "binary.txt", "nothing"):
        result = invoke("scan", str(tmp_path / name))
        assert result.exit_code == 1, name
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and name in errors[0], result.stderr
        assert "Traceback" not in result.output


def test_store_then_list_show_verify_dispute_history(desk: str, harbour_path: Path) -> None:
    [record] = scan_json(str(harbour_path))
    first, second = record["claims"][0]["id"], record["claims"][1]["id"]
    listed = json.loads(invoke("claims", "--json").stdout)
    assert {c["id"] for c in listed} == {c["id"] for c in record["claims"]}
    assert (
        invoke("verify", first[:6], "--note", "checked the registry", "--by", "ana").exit_code == 0
    )
    assert invoke("dispute", second, "--evidence", "https://example.org/x").exit_code == 0
    shown = json.loads(invoke("show", first, "--json").stdout)
    assert shown["status"] == "verified" and shown["history"][0]["by"] == "ana"
    history = json.loads(invoke("history", second, "--json").stdout)
    assert history[0]["after"] == "disputed"
    verified = json.loads(invoke("claims", "--status", "verified", "--json").stdout)
    assert [c["id"] for c in verified] == [first]


def test_mark_with_unknown_status_is_a_usage_error(desk: str, harbour_path: Path) -> None:
    [record] = scan_json(str(harbour_path))
    result = invoke("mark", record["claims"][0]["id"], "--to", "maybe")
    assert result.exit_code == 2 and "valid statuses" in result.stderr


def test_unknown_claim_id_is_an_error(desk: str) -> None:
    result = invoke("show", "deadbeef")
    assert result.exit_code == 1 and "no claim" in result.stderr


def test_rescan_keeps_verdicts_through_the_cli(desk: str, harbour_path: Path) -> None:
    [record] = scan_json(str(harbour_path))
    claim_id = record["claims"][0]["id"]
    invoke("verify", claim_id)
    [again] = scan_json(str(harbour_path))
    assert again["claims"][0] == record["claims"][0] | {"status": "verified"}


def test_articles_and_report(desk: str, harbour_path: Path) -> None:
    scan_json(str(harbour_path))
    articles = json.loads(invoke("articles", "--json").stdout)
    assert articles[0]["title"].startswith("Harbour expansion")
    report = invoke("report")
    assert report.exit_code == 0 and "Claims by status" in report.stdout
    data = json.loads(invoke("report", "--json").stdout)
    assert data["summary"]["articles"] == 1


def test_plugins_lists_bundled_plugins_as_json(db_path: Path) -> None:
    listed = json.loads(invoke("plugins", "--json").stdout)
    names = {p["name"]: p for p in listed}
    assert names["sentences"]["origin"] == "bundled"
    assert "claimtrack_extract_claims" in names["sentences"]["hooks"]


def test_plugin_failure_exits_3_and_keeps_results(
    desk: str, harbour_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "raiser.py").write_text(
        "from claimtrack import hookimpl\n@hookimpl\ndef claimtrack_extract_claims(article):\n"
        "    raise ValueError('bad plugin')\n"
    )
    result = invoke(
        "scan", "--json", "--no-store", "--plugins-dir", str(tmp_path / "p"), str(harbour_path)
    )
    assert result.exit_code == 3
    record = json.loads(result.stdout)
    assert record["claims"] and record["errors"][0]["plugin"] == "raiser"


def test_debug_shows_a_failing_plugins_traceback(
    desk: str, harbour_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "raiser.py").write_text(
        "from claimtrack import hookimpl\n@hookimpl\ndef claimtrack_extract_claims(article):\n"
        "    return helper()\ndef helper():\n    raise ValueError('bad plugin')\n"
    )
    scan = ["scan", "--no-store", "--plugins-dir", str(tmp_path / "p"), str(harbour_path)]
    quiet = invoke(*scan)
    assert quiet.exit_code == 3 and "Traceback" not in quiet.stderr
    assert "warning: plugin raiser: claimtrack_extract_claims raised ValueError" in quiet.stderr
    loud = invoke("--debug", *scan)
    assert loud.exit_code == 3
    assert "Traceback (most recent call last)" in loud.stderr
    assert "in helper" in loud.stderr and "ValueError: bad plugin" in loud.stderr


def test_markup_in_articles_is_shown_literally(desk: str, tmp_path: Path) -> None:
    path = tmp_path / "evil.txt"
    path.write_text("[bold red]The budget[/bold red] rose 40% in 2019 to 3 million dollars.\x1b[2J")
    result = invoke("scan", "--all", str(path))
    assert "[bold red]The budget" in result.stdout and "\x1b[2J" not in result.stdout


BROKEN_PLUGINS = {
    "broken_import": "import claimtrack_no_such_module\n",
    "misspelt_hook": (
        "from claimtrack import hookimpl\n@hookimpl\ndef claimtrack_extract_claimz(article):\n"
        "    return []\n"
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN_PLUGINS))
def test_plugin_that_fails_to_load_exits_3_and_is_in_every_records_errors(
    name: str, desk: str, harbour_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / f"{name}.py").write_text(BROKEN_PLUGINS[name])
    (tmp_path / "b.txt").write_text("The port handled 40 million tonnes in 2019.\n")
    plugins = ["--plugins-dir", str(tmp_path / "p")]
    result = invoke(
        "scan", "--json", "--no-store", *plugins, str(harbour_path), str(tmp_path / "b.txt")
    )
    assert result.exit_code == 3, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2 and records[0]["claims"]
    for record in records:
        [failure] = record["errors"]
        assert set(failure) == {"plugin", "message"} and failure["plugin"] == name
    assert result.stderr.count(f"plugin {name}:") == 1  # shown once, not once per article
    stored = invoke("scan", *plugins, str(harbour_path))
    assert stored.exit_code == 3 and f"plugin {name}:" in stored.stderr

    listed = invoke("plugins", "--json", *plugins)
    assert listed.exit_code == 0  # listing a failure is not itself a failure
    [info] = [p for p in json.loads(listed.stdout) if p["name"] == name]
    assert info["status"] == "failed" and info["error"] == failure["message"]


def test_stored_in_is_said_only_when_something_was_stored(
    db_path: Path, harbour_path: Path, tmp_path: Path
) -> None:
    missing = invoke("scan", str(tmp_path / "missing.txt"))
    assert missing.exit_code == 1 and "stored in" not in missing.stderr
    assert not db_path.exists() or not any(db_path.glob("articles/*"))
    mixed = invoke("scan", str(tmp_path / "missing.txt"), str(harbour_path))
    assert mixed.exit_code == 1 and f"stored in {db_path}" in mixed.stderr


def test_articles_text_prints_exactly_the_text_offsets_index(desk: str, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Port report</title></head><body><nav>Home | News</nav><article>"
        "<h1>Port report</h1><p>The port handled 40&nbsp;million tonnes in 2019, up 12% on "
        "2018, the authority said.</p><p>“We will double capacity by 2025,” said Ana Ruiz, "
        "its director.</p></article><footer>© Example</footer></body></html>",
        encoding="utf-8",
    )
    [record] = scan_json(str(page))
    article_id = record["article"]["id"]
    result = invoke("articles", article_id[:6], "--text")
    assert result.exit_code == 0
    text = result.stdout_bytes.decode("utf-8")
    assert text.startswith("Port report\n") and "<p>" not in text and "Home" not in text
    assert record["claims"]
    for claim in record["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["text"]
    shown = json.loads(invoke("articles", str(page), "--json").stdout)
    assert shown["id"] == article_id and shown["text"] == text
    assert article_id[:8] in invoke("articles", article_id[:6]).stdout
    assert invoke("articles", "--text").exit_code == 2


def test_plain_text_articles_text_is_the_file_byte_for_byte(desk: str, tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Budget\r\n\r\nThe tax rose 4% in 2019.\r\nNo newline at the end")
    scan_json(str(path))
    assert invoke("articles", str(path), "--text").stdout_bytes == path.read_bytes()


def test_mark_takes_the_status_as_its_last_argument(desk: str, harbour_path: Path) -> None:
    [record] = scan_json(str(harbour_path))
    first, second = record["claims"][0]["id"], record["claims"][1]["id"]
    assert invoke("mark", first[:6], "disputed").exit_code == 0
    assert invoke("mark", first[:6], second[:6], "in progress", "--note", "calling").exit_code == 0
    statuses = {c["id"]: c["status"] for c in json.loads(invoke("claims", "--json").stdout)}
    assert statuses[first] == statuses[second] == "in progress"
    assert json.loads(invoke("history", first, "--json").stdout)[-1]["note"] == "calling"
    for args, message in (
        ([first[:6]], "give the new status"),
        ([first[:6], second[:6]], "give the new status"),
        ([first[:6], "maybe"], "valid statuses"),
        ([], "give claim ids"),
    ):
        result = invoke("mark", *args)
        assert result.exit_code == 2 and message in result.stderr, args
    assert statuses == {c["id"]: c["status"] for c in json.loads(invoke("claims", "--json").stdout)}


@pytest.mark.parametrize("spelling", ["in-progress", "In Progress", "IN_PROGRESS", "inprogress"])
def test_status_names_match_whatever_their_case_spaces_and_hyphens(
    desk: str, harbour_path: Path, spelling: str
) -> None:
    [record] = scan_json(str(harbour_path))
    first = record["claims"][0]["id"]
    assert invoke("mark", first[:6], spelling).exit_code == 0
    listed = json.loads(invoke("claims", "--status", spelling, "--json").stdout)
    assert [c["id"] for c in listed] == [first] and listed[0]["status"] == "in progress"


def test_status_option_selects_claims_on_every_command(desk: str, harbour_path: Path) -> None:
    [record] = scan_json(str(harbour_path))
    first, second = record["claims"][0]["id"], record["claims"][1]["id"]
    invoke("verify", first)
    assert invoke("mark", "--status", "verified", "--to", "disputed").exit_code == 0
    assert invoke("dispute", "--status", "unverified", "--yes").exit_code == 0
    statuses = {c["id"]: c["status"] for c in json.loads(invoke("claims", "--json").stdout)}
    assert set(statuses.values()) == {"disputed"} and second in statuses
    exported = invoke("export", "--status", "disputed").stdout.splitlines()
    assert len(exported) == len(statuses)


def test_mark_refuses_a_status_that_is_also_a_claim_id(db_path: Path, harbour_path: Path) -> None:
    [record] = scan_json(str(harbour_path))
    claim = record["claims"][0]["id"]
    (db_path / "config.toml").write_text(
        f'[statuses.unverified]\ncolour = "white"\n[statuses.{claim[:5]}]\ncolour = "red"\n'
    )
    result = invoke("mark", claim[:6], claim[:5])
    assert result.exit_code == 2 and "is a status and a claim id prefix" in result.stderr
    assert invoke("mark", claim[:6], "--to", claim[:5]).exit_code == 0


def test_tables_follow_each_commands_terminal_width(desk: str, harbour_path: Path) -> None:
    command = ["scan", "--no-store", str(harbour_path)]
    narrow = runner.invoke(app, command, env={"COLUMNS": "60"})
    wide = runner.invoke(app, command, env={"COLUMNS": "160"})
    assert max(map(len, narrow.stdout.splitlines())) <= 60
    assert max(map(len, wide.stdout.splitlines())) > 100


def test_docs_lists_and_prints_the_shipped_documentation(db_path: Path) -> None:
    listed = invoke("docs").stdout.splitlines()
    assert "claimtrack docs contract" in listed and "claimtrack docs verification" in listed
    root = Path(__file__).parent.parent / "docs"
    assert invoke("docs", "verification").stdout == (root / "verification.md").read_text()
    missing = invoke("docs", "nothing")
    assert missing.exit_code == 2 and missing.stderr.startswith("error: no document 'nothing'")
