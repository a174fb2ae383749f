"""Named fault points, so the crash tests can kill a real run exactly where it hurts most.

Off unless the environment asks: `PCM_FAULT=<point>:<hit>[:<action>]` makes the `<hit>`-th call of
`fault_point("<point>")` in this process either SIGKILL the process (`kill`, the default: no
handler, no `finally`, no flush — what a power cut or the OOM killer does) or raise
`OSError(ENOSPC)` (`enospc`: a full disk). Examples:

    PCM_FAULT=swap-between-renames:3        third folder swap, between its two renames
    PCM_FAULT=checkpoint-weights-written:2:enospc

Points: swap-before-ready, swap-between-renames, swap-before-delete-old (core/atomic.py),
checkpoint-weights-written (core/checkpoint.py), metrics-appended, train-step (core/training.py).
"""
from __future__ import annotations

import errno
import os
import signal
from collections import Counter

_hits: Counter[str] = Counter()


def fault_point(name: str) -> None:
    """Do nothing, unless PCM_FAULT names this point and this is the hit it names."""
    spec = os.environ.get("PCM_FAULT")
    if not spec:
        return
    point, _, rest = spec.partition(":")
    if point != name:
        return
    hit, _, action = rest.partition(":")
    _hits[name] += 1
    if _hits[name] != int(hit or 1):
        return
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    os.kill(os.getpid(), signal.SIGKILL)
