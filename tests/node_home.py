"""pytest plugin (loaded with ``-p tests.node_home`` before Django's settings are read):
gives the test run a node home with an identity and a key pair, as `liaison init` would."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

if not os.environ.get("LIAISON_TEST_KEEP_HOME"):
    _home = Path(tempfile.mkdtemp(prefix="liaison-test-home-"))
    os.environ["LIAISON_HOME"] = str(_home)
    os.environ.setdefault("LIAISON_FAST_HASHER", "1")
    os.environ.setdefault("LIAISON_LANGUAGE", "en")  # tests read English unless they switch

    from liaison.core import audit_head
    from liaison.core.node import write_key_pair, write_node_settings

    _key = write_key_pair(_home)
    write_node_settings(
        _home, {"id": "vn-test0001", "country": "VN", "name": "Test node VN", "url": ""}
    )
    # An empty chain's signed head: tests run inside transactions that are never committed,
    # so nothing advances it and every test's entries count as written after it.
    audit_head.advance(
        _home / "audit_head.json",
        _key,
        audit_head.SignedHead("vn-test0001", 0, audit_head.GENESIS, 0, "2026-01-01T00:00:00+00:00"),
    )
    (_home / "secret_key").write_text("test-secret-" + os.urandom(8).hex())
    (_home / "static").mkdir()
