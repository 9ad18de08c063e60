"""`accord motions verify`: an auditor checks a downloaded decision offline."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

from tenants.roles import Role
from tests.board.support import approval_motion, board_of, vote


def verify(path, *extra):
    return subprocess.run(
        [sys.executable, "-m", "registry.cli", "motions", "verify", str(path), *extra],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_a_downloaded_decision_verifies_and_a_changed_one_does_not(api, factory, tmp_path):
    board = await board_of(factory, 2, prefix="verify")
    _, motion_id = await approval_motion(api, board)
    await vote(api, board, motion_id, board.directors[0], "for")
    await vote(api, board, motion_id, board.directors[1], "abstain")
    auditor = board.world[Role.AUDITOR].headers
    decision = (await api.get(f"{board.base}/motions/{motion_id}/decision", headers=auditor)).json()
    keys = (await api.get(f"{board.base}/keys", headers=auditor)).json()
    (public,) = [k["public_key"] for k in keys if k["key_id"] == decision["key_id"]]

    good = tmp_path / "decision.json"
    good.write_text(json.dumps(decision))
    done = verify(good, "--public-key", public)
    assert done.returncode == 0, done.stderr
    assert f"ok: motion {motion_id} carried (1 for, 0 against, 1 abstaining" in done.stdout
    # The roll by name (the record names each director), and whose key it trusted.
    lines = done.stdout.splitlines()
    assert sorted(lines[1:3]) == ["  Board person: abstain", "  Board person: for"]
    assert lines[3] == f"signed by the pinned key {decision['key_id']}."
    key_file = tmp_path / "tenant.key"
    key_file.write_text(public + "\n")
    as_file = verify(good, "--public-key", str(key_file))
    assert as_file.returncode == 0 and as_file.stdout == done.stdout
    unpinned = verify(good)
    assert unpinned.returncode == 0, unpinned.stderr
    assert unpinned.stdout.splitlines()[-1].startswith(
        f"verified against the public key inside the file (key {decision['key_id']})"
    )
    assert "--public-key KEY" in unpinned.stdout
    assert verify(good, "--public-key", "nonsense").returncode == 2

    changed = dict(decision, record=decision["record"].replace('"for":1', '"for":2'))
    bad = tmp_path / "changed.json"
    bad.write_text(json.dumps(changed))
    done = verify(bad, "--public-key", public)
    assert done.returncode == 1 and "sha256 differs" in done.stderr

    rehashed = tmp_path / "rehashed.json"
    changed["sha256"] = hashlib.sha256(changed["record"].encode()).hexdigest()
    rehashed.write_text(json.dumps(changed))
    done = verify(rehashed, "--public-key", public)
    assert done.returncode == 1 and "signature does not verify" in done.stderr

    other_key = "00" * 32
    done = verify(good, "--public-key", other_key)
    assert done.returncode == 1
    (tmp_path / "junk.json").write_text("[]")
    done = verify(tmp_path / "junk.json")
    assert done.returncode == 1 and "not a decision record" in done.stderr
