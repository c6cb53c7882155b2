"""The WSGI application for gunicorn. A machine that is not ready (no secret key, a database missing, not
initialised or unreachable, a data folder that cannot be written, no font) stops the start with one sentence
saying what to do, not a traceback per request; a setting that is wrong on a real server but lets it run (no
LINDUNG_PUBLIC_URL) is written to the log at the start. The worker exits with 3, which gunicorn reads as "the worker
could not boot" and stops, instead of starting it again and again."""

import os
import sys

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
WORKER_BOOT_ERROR = 3  # gunicorn.arbiter.Arbiter.WORKER_BOOT_ERROR
RUNSERVER = "django.core.management.commands.runserver"


def _ready_application() -> WSGIHandler:
    from django.db import DatabaseError, connection

    from lindung.config import ConfigProblem

    try:
        app = get_wsgi_application()
        from lindung import preflight

        try:
            preflight.check_all(fonts=True)
        except DatabaseError as exc:
            raise preflight.explain(exc) from exc
        connection.close()
        if RUNSERVER not in sys.modules:  # runserver (`lindung serve`) printed them as system checks already
            for notice in preflight.warnings():  # e.g. no LINDUNG_PUBLIC_URL: gunicorn's log says so at the start
                sys.stderr.write(notice.text(os.environ.get("LINDUNG_LANG", "id")) + "\n")
    except ConfigProblem as exc:
        sys.stderr.write(exc.text(os.environ.get("LINDUNG_LANG", "id")) + "\n")
        raise SystemExit(WORKER_BOOT_ERROR) from None
    return app


application = _ready_application()
