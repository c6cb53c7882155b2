"""Which process runs a background job, and whether it has stopped.

A job records its runner as "host:pid" when it starts. A runner on this machine has stopped when its process
is gone (a kill, a crash, a reboot); a runner on another machine when it has not been heard from for a while.
"""

from __future__ import annotations

import datetime as dt
import os
import socket


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def has_stopped(runner: str, heard_at: dt.datetime, now: dt.datetime, silence: dt.timedelta) -> bool:
    host, _, pid = runner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, another user's
            return False
        return False
    return heard_at < now - silence
