"""`liaison init`, `status`, `token` and `audit verify` as an operator runs them."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.federation  # starts real `liaison` processes with their own homes


def liaison(home: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "LIAISON_DATABASE_URL"}
    full_env.pop("LIAISON_FAST_HASHER", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "liaison.cli", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def node_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    home = tmp_path_factory.mktemp("vn") / "node"
    result = liaison(
        home, "init", "--country", "VN", "--name", "MPS Viet Nam", "--url", "http://127.0.0.1:8000"
    )
    assert result.returncode == 0, result.stderr
    return home, result.stdout


def test_init_creates_node_with_keys_wal_database_and_admin(node_home: tuple[Path, str]) -> None:
    home, out = node_home
    assert "fingerprint:" in out and "one-time password" in out
    key = home / "node_key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    with sqlite3.connect(home / "liaison.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        roles = db.execute("SELECT roles FROM core_user WHERE username='admin'").fetchone()[0]
    assert "node_admin" in roles and "supervisor" in roles


def test_node_home_is_private(node_home: tuple[Path, str]) -> None:
    home, _ = node_home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for name in ("node.json", "secret_key", "node_key.pem", "liaison.sqlite3", "audit_head.json"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name
    # A command run later (with the default umask of the shell) creates nothing readable.
    assert liaison(home, "token", "create", "admin").returncode == 0
    for path in [home, *home.rglob("*")]:
        if path.name != "node_key.pub":
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_status_json_reports_identity_and_counts(node_home: tuple[Path, str]) -> None:
    home, out = node_home
    result = liaison(home, "status", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["node"]["country"] == "VN"
    assert status["node"]["url"] == "http://127.0.0.1:8000"
    assert status["node"]["fingerprint"] in out
    assert isinstance(status["peers"], list)
    assert isinstance(status["records"], dict)


def test_second_init_in_same_home_is_refused(node_home: tuple[Path, str]) -> None:
    home, _ = node_home
    before = sorted(p.name for p in home.iterdir())
    result = liaison(home, "init", "--country", "LA", "--name", "again")
    assert result.returncode == 2
    assert "already holds a node" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in home.iterdir()) == before


def test_unknown_country_leaves_nothing(tmp_path: Path) -> None:
    home = tmp_path / "xx"
    result = liaison(home, "init", "--country", "ZZ", "--name", "Nowhere")
    assert result.returncode == 2
    assert "unknown country code 'ZZ'" in result.stderr
    assert not home.exists()


def test_unreachable_database_leaves_nothing(tmp_path: Path) -> None:
    home = tmp_path / "pg"
    unreachable = {"LIAISON_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = liaison(home, "init", "--country", "VN", "--name", "x", env=unreachable)
    assert result.returncode == 2
    assert "cannot reach the database" in result.stderr
    assert not home.exists()


def test_audit_verify_detects_edited_and_removed_rows(
    node_home: tuple[Path, str], tmp_path: Path
) -> None:
    home, _ = node_home
    assert liaison(home, "token", "create", "admin").returncode == 0
    ok = liaison(home, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout

    db_path = home / "liaison.sqlite3"
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(db_path) as db, sqlite3.connect(backup) as copy:
        db.backup(copy)
    try:
        with sqlite3.connect(db_path) as db:
            db.execute("UPDATE core_auditentry SET username='mallory' WHERE seq=3")
        edited = liaison(home, "audit", "verify")
        assert edited.returncode == 1
        assert "audit entry 3" in edited.stderr and "changed" in edited.stderr

        with sqlite3.connect(backup) as copy, sqlite3.connect(db_path) as db:
            copy.backup(db)
        with sqlite3.connect(db_path) as db:
            db.execute("DELETE FROM core_auditentry WHERE seq=2")
        removed = liaison(home, "audit", "verify")
        assert removed.returncode == 1
        assert "audit entry 2" in removed.stderr and "missing" in removed.stderr
    finally:
        with sqlite3.connect(backup) as copy, sqlite3.connect(db_path) as db:
            copy.backup(db)
    assert liaison(home, "audit", "verify").returncode == 0


def test_audit_verify_detects_a_cut_at_the_end_and_reordering(
    node_home: tuple[Path, str], tmp_path: Path
) -> None:
    home, _ = node_home
    assert liaison(home, "token", "create", "admin").returncode == 0
    ok = liaison(home, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    db_path = home / "liaison.sqlite3"
    with sqlite3.connect(db_path) as db:
        (last,) = db.execute("SELECT max(seq) FROM core_auditentry").fetchone()
    assert f"signed head at entry {last}" in ok.stdout

    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(db_path) as db, sqlite3.connect(backup) as copy:
        db.backup(copy)
    try:
        with sqlite3.connect(db_path) as db:
            db.execute("DELETE FROM core_auditentry WHERE seq > ?", (last - 2,))
            db.execute(
                "UPDATE core_audithead SET seq = ?, hash = "
                "(SELECT hash FROM core_auditentry WHERE seq = ?)",
                (last - 2, last - 2),
            )
        cut = liaison(home, "audit", "verify")
        assert cut.returncode == 1
        assert f"audit entry {last - 1}" in cut.stderr and "newest entries removed" in cut.stderr

        with sqlite3.connect(backup) as copy, sqlite3.connect(db_path) as db:
            copy.backup(db)
        with sqlite3.connect(db_path) as db:
            db.execute("UPDATE core_auditentry SET seq = 1000000 WHERE seq = 5")
            db.execute("UPDATE core_auditentry SET seq = 5 WHERE seq = 6")
            db.execute("UPDATE core_auditentry SET seq = 6 WHERE seq = 1000000")
        reordered = liaison(home, "audit", "verify")
        assert reordered.returncode == 1
        assert "audit entry 5" in reordered.stderr
    finally:
        with sqlite3.connect(backup) as copy, sqlite3.connect(db_path) as db:
            copy.backup(db)
    assert liaison(home, "audit", "verify").returncode == 0


def test_token_for_unknown_user_is_bad_input(node_home: tuple[Path, str]) -> None:
    home, _ = node_home
    result = liaison(home, "token", "create", "ghost")
    assert result.returncode == 2
    assert "no user 'ghost'" in result.stderr
