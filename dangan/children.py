"""Helper processes (shard writers, OCR workers) die with the process that started them.

Without this a killed `dangan index` left its shard writers (~110 MB each), OCR workers and
multiprocessing's resource tracker running for minutes, holding the terminal's pipe open
(`dangan index | tee` never ended). Called first thing in each helper process.
"""

from __future__ import annotations

import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    # The parent as multiprocessing knows it (the pid it was started by), not os.getppid():
    # a parent killed while this process was still starting (a second of imports before
    # this runs) has already made it an orphan, and getppid() would name the new parent.
    import multiprocessing

    started_by = multiprocessing.parent_process()
    parent = started_by.pid if started_by is not None and started_by.pid else os.getppid()
    try:  # Linux: the kernel sends SIGKILL the moment the parent dies
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before the line above: nobody would signal us
        os._exit(1)

    def watch() -> None:  # elsewhere, and as a second guard: notice the parent is gone
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
