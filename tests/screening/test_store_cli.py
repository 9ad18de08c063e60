"""`accord screening import / lists / diff / fetch`, and `check` / `batch` on the
stored versions, run as the real command in a subprocess on the test database."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from screening import store
from tests.shared_data import SANCTIONS

from .conftest import FTM_T1, FTM_ZALA, UN_2024, UN_2026, accord

pytestmark = pytest.mark.usefixtures("clean_lists")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def sanctions_server() -> Iterator[str]:
    """The shared data's sanctions folder over HTTP on 127.0.0.1, as the official
    sites would serve it."""
    handler = functools.partial(_QuietHandler, directory=str(SANCTIONS))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "command",
    [["screening", c] for c in ("import", "lists", "diff", "fetch", "check", "batch")],
    ids=" ".join,
)
def test_every_command_has_help(command):
    result = accord(*command, "--help")
    assert result.returncode == 0
    assert "Usage:" in result.stdout


def test_check_fails_closed_with_nothing_stored():
    result = accord("screening", "check", "Anybody")
    assert result.returncode == 3, result.stderr
    assert "NOT_CLEARED" in result.stdout


async def test_import_lists_diff_and_check_from_stored_versions(tmp_path):
    old = accord("screening", "import", "--source", "un", str(UN_2024))
    assert old.returncode == 0, old.stderr
    assert "storing un@2024-11-30" in old.stderr  # the progress bar's label
    assert "imported version" in old.stdout
    new = accord("screening", "import", "--source", "un", str(UN_2026))
    assert new.returncode == 0, new.stderr
    again = accord("screening", "import", "--source", "un", str(UN_2026))
    assert again.returncode == 0 and "already imported" in again.stdout

    versions = await store.list_versions()
    assert [v.status for v in versions] == ["active", "superseded"]
    new_id, old_id = versions[0].id, versions[1].id

    lists = accord("screening", "lists")
    assert lists.returncode == 0, lists.stderr
    lines = lists.stdout.splitlines()
    assert "un@2026-02-27" in lines[1] and "active" in lines[1]
    assert "un@2024-11-30" in lines[2] and "superseded" in lines[2]
    as_json = [json.loads(line) for line in accord("screening", "lists", "--json").stdout.split()]
    assert [v["id"] for v in as_json] == [new_id, old_id]

    diff = accord("screening", "diff", str(old_id), str(new_id), "--json")
    assert diff.returncode == 0, diff.stderr
    payload = json.loads(diff.stdout)
    assert payload["old_version"].startswith("un@2024-11-30")
    assert payload["new_version"].startswith("un@2026-02-27")
    assert payload["added"] > 0 and payload["removed"] > 0 and payload["changed"] > 0
    assert len(payload["added_refs"]) == payload["added"]
    text = accord("screening", "diff", str(old_id), str(new_id))
    assert text.stdout.splitlines()[-1] == (
        f"added={payload['added']} removed={payload['removed']} changed={payload['changed']}"
    )
    missing = accord("screening", "diff", str(old_id), "999999")
    assert missing.returncode == 1 and "no list version 999999" in missing.stderr

    check = accord("screening", "check", "Qasem Soleimani", "--json")
    assert check.returncode == 1, check.stderr
    result = json.loads(check.stdout)
    assert result["status"] == "block"
    assert result["list_versions"] == [versions[0].version]
    assert result["hits"][0]["ref"] == "IRi.039"

    csv_file = tmp_path / "in.csv"
    csv_file.write_text("name,dob\nQasem Soleimani,1957-03-11\nZoltan Brightwater,\n")
    batch = accord("screening", "batch", str(csv_file), "--json")
    assert batch.returncode == 0, batch.stderr
    rows = [json.loads(line) for line in batch.stdout.splitlines()]
    assert rows[0]["hits"][0]["ref"] == "IRi.039" and rows[1]["hits"] == []
    # `--list` still screens against the given file, not the stored versions.
    listed = accord("screening", "check", "Vitaly Yurievich Kuzmenko", "--list", f"ftm:{FTM_T1}")
    assert listed.returncode == 1 and "BLOCK" in listed.stdout


async def test_malformed_import_stores_nothing_and_keeps_the_active_version(tmp_path):
    good = accord("screening", "import", "--source", "ftm", str(FTM_T1))
    assert good.returncode == 0, good.stderr
    before = await store.list_versions()
    bad = tmp_path / "broken.ftm.json"
    lines = FTM_ZALA.read_text().splitlines()
    bad.write_text("\n".join([*lines[:10], '{"id": "x", "schema": ', *lines[10:]]) + "\n")
    result = accord("screening", "import", "--source", "ftm", str(bad))
    assert result.returncode == 1
    assert str(bad) in result.stderr and "nothing stored" in result.stderr
    assert await store.list_versions() == before
    check = accord("screening", "check", "Vitaly Yurievich Kuzmenko")
    assert check.returncode == 1 and "BLOCK" in check.stdout


async def test_fetch_from_a_local_server(sanctions_server):
    un_url = f"{sanctions_server}/un/consolidated_2026-02-27.xml"
    fetched = accord(
        "screening", "fetch", "--source", "un", env={"ACCORD_SCREENING_URL_UN": un_url}
    )
    assert fetched.returncode == 0, fetched.stderr
    assert f"fetching {un_url}" in fetched.stderr
    ofac = [f"{sanctions_server}/ofac/{n}_2021-07.csv" for n in ("sdn", "alt", "add")]
    fetched = accord(
        "screening", "fetch", "--source", "ofac", *(a for url in ofac for a in ("--url", url))
    )
    assert fetched.returncode == 0, fetched.stderr
    versions = {v.source: v for v in await store.list_versions()}
    assert versions["un"].version.startswith("un@2026-02-27")
    assert versions["un"].files == ["consolidated_2026-02-27.xml"]
    assert versions["ofac"].files == ["sdn_2021-07.csv", "alt_2021-07.csv", "add_2021-07.csv"]
    assert versions["ofac"].entity_count > 5000

    missing = accord(
        "screening", "fetch", "--source", "dfat", "--url", f"{sanctions_server}/dfat/nope.xlsx"
    )
    assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    assert "dfat" not in {v.source for v in await store.list_versions()}
