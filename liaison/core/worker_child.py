"""Entry point of the sync worker process that `liaison serve` supervises
(``python -P -m liaison.core.worker_child sync``; see liaison/core/worker.py)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def main() -> int:
    supervisor = int(os.environ.pop("LIAISON_SUPERVISOR_PID", "0") or 0)
    # Linux: SIGTERM when the supervising serve goes away, however it ends. Set here rather
    # than with Popen's preexec_fn, which is unsafe in a process that runs threads.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if supervisor and os.getppid() != supervisor:
        return 0  # serve ended before the line above ran
    from liaison.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
