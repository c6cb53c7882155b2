from __future__ import annotations

import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Menjalankan aplikasi web beserta pekerja latar (impor besar). Server pengembangan Django; "
        "untuk produksi lihat README (gunicorn dan `lindung db_worker`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="jangan jalankan pekerja latar")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        # SIGTERM (a service manager, a test) must stop the worker too: turn it into the same exit as Ctrl-C.
        signal.signal(signal.SIGTERM, _interrupt)
        if not options["no_worker"]:
            # Large roster imports are queued as background jobs; this worker runs them while the site serves.
            worker = subprocess.Popen(
                [sys.executable, "-m", "lindung", "db_worker", "--interval", "1", "--no-reload", "--no-startup-delay"]
            )
        try:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
