"""Load test (issue 5): the dashboard, the roster list, the worker page and the coverage API under 20 concurrent
users for 60 s, on loopback, with the national dataset and one Pemda of 100,000 workers.

    scripts/with-postgres.sh .venv/bin/python bench/load.py [--users N] [--seconds N]
    (or `make bench-load BENCH_ARGS="--users 5 --seconds 15"` for a smoke run)

PostgreSQL only: LINDUNG_DATABASE_URL must be a postgres:// URL (with-postgres.sh sets it to a throwaway
server). What runs:

1. a child process (`--phase prepare`): migrate; the national dataset of bench/coverage.py's setup
   (bench/national.py: 546 Pemda, ~2.2 M workers, COPY), or the one already in this database; one Pemda grown
   to 100,000 employments with the same generator and the same COPY path (the largest kab/kota with an
   agreement); `aggregates.rebuild()` so the coverage figures come from the aggregates; the personas (the
   Pemda's admin, a clerk of its biggest unit, a monitor of its province), an API token for the admin, the
   resolved paths and the worker pages each persona may open; one request per endpoint with Django's test
   client, counting queries;
2. gunicorn on 127.0.0.1 (LINDUNG_HTTPS=0, LINDUNG_DEBUG=0), waited for and warmed up (every persona logs in
   and opens every page it uses, then 10 sequential timed requests per endpoint);
3. locust, headless, as a subprocess, with bench/locustfile.py: --users users log in (argon2), wait for each
   other, then loop over their tasks with a pause of 0.5-1.5 s between requests for --seconds, counted from the
   moment the last one logged in (locust's stats are reset then; its -t is only a safety net);
4. locust's CSV stats printed per endpoint, and the goals judged on exact percentiles of every request's time
   (the login left out): no failures, p95 < 300 ms for each endpoint and for the four together.

The server is stopped on any exit. See bench/README.md ("Load test (issue 5)").
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from harness import maxrss_bytes, say, server_info, setup_django

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
GOAL_MS = 300.0
PASSWORD = "uji-beban-lindung-2026"  # the personas' password (a throwaway database)
USERNAMES = {"admin": "beban.pemda", "clerk": "beban.opd", "monitor": "beban.provinsi"}
ENDPOINTS = ("dashboard", "roster list", "worker page", "coverage API")
PG_SETTINGS = ("fsync", "synchronous_commit", "shared_buffers", "work_mem", "max_connections", "jit")
GB = 1024**3
LOGIN_ALLOWANCE = 180  # seconds locust may spend on the logins before the measured time starts


def _coverage_bench() -> ModuleType:
    """bench/coverage.py under another name (`coverage` is also the test-coverage package)."""
    spec = importlib.util.spec_from_file_location("bench_coverage", BENCH / "coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------------------
# Child side: the dataset, the personas, the paths.
# ---------------------------------------------------------------------------------------------------------


def _grow(employer: Any, existing: int, target: int, reference: dt.date) -> dict[str, Any]:
    """Add workers to one Pemda until it has `target` employments: national.rows() for a plan of that one Pemda
    with `target` workers, keeping the rows past the ones it already has (a worker's NIK comes from its row
    number within the Pemda, so the new NIKs are new), written with reserve_ids + COPY in one transaction."""
    import polars as pl
    from django.db import transaction

    import national
    from lindung.enrolment.models import Agreement, Membership
    from lindung.intake import bulk
    from lindung.regions.models import Region
    from lindung.registry.models import Employment, Worker, WorkUnit
    from lindung.registry.services import open_changeset

    code = employer.region_id
    region = Region.objects.get(code=code)
    kind = "provinsi" if region.level == 1 else ("kota" if region.kind == "kota" else "kabupaten")
    units = list(WorkUnit.objects.filter(employer=employer).order_by("id").values_list("code", "id", "kind"))
    agreements = {a.segment: a for a in Agreement.objects.filter(employer=employer).order_by("effective_from")}
    ppu = agreements["ppu"]
    pemda = national.Pemda(
        code=code,
        name=region.name,
        kind=kind,
        workers=target,
        units=len(units),
        enrolled=True,
        bpu="bpu" in agreements,
        programs=ppu.programs,
        effective_from=ppu.effective_from,
    )
    weights = {u[0]: u[3] for u in national.units(pemda)}
    unit_frame = pl.DataFrame(
        {
            "code": [code] * len(units),
            "unit_id": [u[1] for u in units],
            "kind": [u[2] for u in units],
            "weight": [weights.get(u[0], 1.0) for u in units],
        },
        schema={"code": pl.String, "unit_id": pl.Int64, "kind": pl.String, "weight": pl.Float64},
    )
    agreement_ids = {(code, segment): a.pk for segment, a in agreements.items()}
    start = time.perf_counter()
    frame = national.rows([pemda], {code: employer.pk}, unit_frame, agreement_ids, reference)
    frame = frame.filter(pl.col("i") >= existing)  # one Pemda: the row number is the number within it
    with transaction.atomic():
        cs = open_changeset("bench", f"bench load test: {code} grown to {target} workers")
        frame = frame.with_columns(
            bulk.reserve_ids(Worker._meta.db_table, frame.height).alias("worker_id"),
            bulk.reserve_ids(Employment._meta.db_table, frame.height).alias("employment_id"),
        )
        members = frame.filter(pl.col("member"))
        members = members.with_columns(
            bulk.reserve_ids(Membership._meta.db_table, members.height).alias("membership_id")
        )
        changeset = pl.lit(cs.pk, pl.Int64).alias("created_in_id")
        bulk.insert_frame(
            Worker._meta.db_table,
            frame.select(pl.col("worker_id").alias("id"), "nik", "name", "birth_date", "sex", changeset),
        )
        bulk.insert_frame(
            Employment._meta.db_table,
            frame.select(
                pl.col("employment_id").alias("id"),
                "worker_id",
                "employer_id",
                "unit_id",
                "category",
                "job_title",
                "wage",
                "start_date",
                "end_date",
                changeset,
            ),
        )
        bulk.insert_frame(
            Membership._meta.db_table,
            members.select(
                pl.col("membership_id").alias("id"),
                "worker_id",
                "employer_id",
                "employment_id",
                "agreement_id",
                "segment",
                "valid_from",
                "valid_to",
                "status",
                "kpj",
                changeset,
            ),
        )
    return {"workers": frame.height, "memberships": members.height, "seconds": time.perf_counter() - start}


def _employment_counts() -> dict[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT employer_id, COUNT(*) FROM registry_employment GROUP BY employer_id")
        return {int(pk): int(n) for pk, n in cursor.fetchall()}


def _dataset(args: argparse.Namespace, reference: dt.date) -> dict[str, Any]:
    """The national dataset (built, or found in this database) and the Pemda of --pemda-workers."""
    from django.core.management import call_command

    import national
    from lindung.enrolment.models import Agreement
    from lindung.regions.models import Region
    from lindung.registry.models import Employer

    out: dict[str, Any] = {}
    cov = _coverage_bench()
    call_command("migrate", verbosity=0)
    if not Employer.objects.exists():
        start = time.perf_counter()
        setup = cov.phase_setup(argparse.Namespace(workers=args.national_workers, reference=str(reference)))
        out["national"] = {
            "built": True,
            "seconds": time.perf_counter() - start,
            "setup": setup["seconds"],
            "workers": setup["counts"]["workers"],
            "memberships": setup["counts"]["memberships"],
        }
    else:
        regions = Region.objects.filter(level__in=(1, 2), current=True).values_list("code", "name", "level", "kind")
        expected = len(national.autonomous(list(regions)))
        found = Employer.objects.count()
        if found != expected:
            raise SystemExit(
                f"this database holds {found} employers, not the national dataset's {expected}: "
                "use an empty database (scripts/with-postgres.sh makes one)"
            )
        out["national"] = {"built": False}

    counts = _employment_counts()
    largest = max(counts, key=lambda pk: counts[pk])
    if counts[largest] >= args.pemda_workers:
        employer = Employer.objects.get(pk=largest)
    else:
        enrolled = set(Agreement.objects.filter(segment="ppu").values_list("employer_id", flat=True))
        kabkota = Employer.objects.filter(region__level=Region.Level.KABKOTA, pk__in=enrolled)
        employer = max(kabkota, key=lambda e: counts.get(e.pk, 0))
    existing = counts.get(employer.pk, 0)
    out["pemda"] = {"code": employer.region_id, "name": employer.name, "had": existing}
    out["grown"] = None
    if existing < args.pemda_workers:
        out["grown"] = _grow(employer, existing, args.pemda_workers, reference)
        out["vacuum"] = cov.vacuum(*cov.TABLES[:3])
    return out


def _aggregates(rebuild: bool, today: dt.date) -> dict[str, Any]:
    from lindung.coverage import aggregates
    from lindung.coverage.models import UnitState

    if not rebuild and UnitState.objects.exists():
        return {"rebuilt": False, "horizon": str(aggregates.horizon())}
    start = time.perf_counter()
    events = aggregates.rebuild(today=today)
    seconds = time.perf_counter() - start
    _coverage_bench().vacuum("coverage_unitevent", "coverage_unitstate")
    return {"rebuilt": True, "seconds": seconds, "events": events, "horizon": str(aggregates.horizon())}


def _personas(code: str) -> dict[str, Any]:
    """The three logins (created or reset) and the admin's API token."""
    from django.contrib.auth.models import User
    from django.db.models import Count

    from lindung.accounts.models import Assignment, LoginFailure, Role
    from lindung.accounts.services import create_token
    from lindung.regions.models import Region
    from lindung.registry.models import Employer, WorkUnit

    employer = Employer.objects.get(region_id=code)
    unit = WorkUnit.objects.filter(employer=employer).annotate(n=Count("employments")).order_by("-n", "code").first()
    assert unit is not None
    province = Region.objects.get(code=code.split(".")[0])
    places = {
        "admin": {"role": Role.ADMIN, "employer": employer, "unit": None, "region": None},
        "clerk": {"role": Role.CLERK, "employer": employer, "unit": unit, "region": None},
        "monitor": {"role": Role.MONITOR, "employer": None, "unit": None, "region": province},
    }
    users = {}
    for persona, place in places.items():
        user, _ = User.objects.get_or_create(username=USERNAMES[persona])
        user.set_password(PASSWORD)
        user.is_active = True
        user.save()
        Assignment.objects.update_or_create(user=user, defaults={**place, "created_by": "bench"})
        LoginFailure.objects.filter(username=user.username).delete()
        users[persona] = user
    token = create_token(users["admin"], "bench load test").secret
    return {"users": users, "token": token, "unit": (unit.code, unit.name), "province": (province.code, province.name)}


def _paths(args: argparse.Namespace, personas: dict[str, Any], code: str) -> dict[str, Any]:
    """The resolved paths; None for a page that is not there yet."""
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    from lindung.registry.models import Employment

    paths: dict[str, str | None] = {}
    for key, name in (("home", "home"), ("roster", "roster"), ("login", "login")):
        try:
            paths[key] = reverse(name)
        except NoReverseMatch:
            paths[key] = None
    try:
        resolve(args.api_path)
        paths["api"] = args.api_path
    except Resolver404:
        paths["api"] = None
    rng = random.Random(5)
    employments = Employment.objects.filter(employer__region_id=code)
    ids = {
        "admin": list(employments.order_by("worker_id").values_list("worker_id", flat=True)),
        "clerk": list(
            employments.filter(unit__code=personas["unit"][0]).order_by("worker_id").values_list("worker_id", flat=True)
        ),
    }
    workers: dict[str, list[str]] = {}
    try:
        for persona, pks in ids.items():
            workers[persona] = [
                reverse("worker", kwargs={"pk": pk}) for pk in rng.sample(pks, min(args.sample, len(pks)))
            ]
    except NoReverseMatch:
        workers = {}
    counts = {persona: len(pks) for persona, pks in ids.items()}
    return {"paths": paths, "worker_paths": workers, "employments": counts}


def _probe(config: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """One request per endpoint and persona through Django's test client: status, queries, time in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    paths = config["paths"]
    out: dict[str, Any] = {}
    plan = [
        ("admin", "dashboard", paths["home"], {}),
        ("admin", "roster list", paths["roster"], {"page": 2}),
        ("admin", "roster search", paths["roster"], {"q": "Siti"}),
        ("admin", "worker page", config["worker_paths"]["admin"][0], {}),
        ("admin", "coverage API", paths["api"], {}),
        ("clerk", "dashboard", paths["home"], {}),
        ("clerk", "roster list", paths["roster"], {"page": 2}),
        ("clerk", "worker page", config["worker_paths"]["clerk"][0], {}),
        ("monitor", "dashboard", paths["home"], {}),
    ]
    for persona, name, path, params in plan:
        client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
        headers = {}
        if name == "coverage API":
            headers["Authorization"] = f"Bearer {config['token']}"
        else:
            client.force_login(users[persona])
        for _ in range(2):  # the first opens templates and caches; the second is measured
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path, params, headers=headers)
                seconds = time.perf_counter() - start
        out[f"{persona}: {name}"] = {
            "status": response.status_code,
            "queries": len(queries),
            "seconds": seconds,
            "bytes": len(response.content),
        }
    return out


def phase_prepare(args: argparse.Namespace) -> dict[str, Any]:
    from django.utils import timezone

    from lindung.coverage.models import UnitState

    today = timezone.localdate()
    reference = dt.date.fromisoformat(args.reference) if args.reference else today
    start = time.perf_counter()
    data = _dataset(args, reference)
    code = data["pemda"]["code"]
    rebuild = data["national"]["built"] or data["grown"] is not None or not UnitState.objects.exists()
    data["aggregates"] = _aggregates(rebuild, today)
    personas = _personas(code)
    config: dict[str, Any] = {
        "personas": {p: {"username": u.username, "password": PASSWORD} for p, u in personas["users"].items()},
        "token": personas["token"],
        "wait": [args.wait_min, args.wait_max],
        "max_page": args.max_page,
        "first_names": [],
        "last_names": [],
    }
    import national

    config["first_names"] = list(national.FIRST_NAMES)
    config["last_names"] = list(national.LAST_NAMES)
    config.update(_paths(args, personas, code))
    missing = [k for k, v in config["paths"].items() if v is None] + ([] if config["worker_paths"] else ["worker"])
    data.update(
        {
            "reference": str(reference),
            "today": str(today),
            "unit": personas["unit"],
            "province": personas["province"],
            "missing": missing,
            "seconds": time.perf_counter() - start,
            "server": server_info(PG_SETTINGS, ()),
            "facts": _facts(code, personas["province"][0]),
        }
    )
    data["probe"] = _probe(config, personas["users"]) if not missing else {}
    data["config"] = config
    data["maxrss"] = maxrss_bytes()
    return data


def _facts(code: str, province: str) -> dict[str, int]:
    from django.db import connection

    sql = {
        "workers (nation)": "SELECT COUNT(*) FROM registry_worker",
        "memberships (nation)": "SELECT COUNT(*) FROM enrolment_membership",
        "employers (nation)": "SELECT COUNT(*) FROM registry_employer",
        "employments (Pemda)": "SELECT COUNT(*) FROM registry_employment e JOIN registry_employer r "
        "ON r.id = e.employer_id WHERE r.region_id = %(code)s",
        "memberships (Pemda)": "SELECT COUNT(*) FROM enrolment_membership m JOIN registry_employer r "
        "ON r.id = m.employer_id WHERE r.region_id = %(code)s",
        "units (Pemda)": "SELECT COUNT(*) FROM registry_workunit u JOIN registry_employer r ON r.id = u.employer_id "
        "WHERE r.region_id = %(code)s",
        "employers (province)": "SELECT COUNT(*) FROM registry_employer WHERE region_id = %(province)s "
        "OR region_id LIKE %(prefix)s",
        "employments (province)": "SELECT COUNT(*) FROM registry_employment e JOIN registry_employer r "
        "ON r.id = e.employer_id WHERE r.region_id = %(province)s "
        "OR r.region_id LIKE %(prefix)s",
    }
    out = {}
    with connection.cursor() as cursor:
        for label, query in sql.items():
            cursor.execute(query, {"code": code, "province": province, "prefix": province + ".%"})
            out[label] = int(cursor.fetchone()[0])
    return out


def child(args: argparse.Namespace) -> None:
    setup_django(args.database_url)
    result = phase_prepare(args)
    Path(args.result).write_text(json.dumps(result, default=str))


# ---------------------------------------------------------------------------------------------------------
# Parent side: the server, locust, the figures.
# ---------------------------------------------------------------------------------------------------------


def _env(url: str, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lindung.settings",
            "LINDUNG_DATABASE_URL": url,
            "LINDUNG_DEBUG": "0",
            "LINDUNG_HTTPS": "0",
            "LINDUNG_ALLOW_DEV_KEY": "1",
            "LINDUNG_DATA_DIR": str(workdir / "data"),
        }
    )
    return env


def prepare(url: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    result = workdir / "prepare.json"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase",
        "prepare",
        "--database-url",
        url,
        "--result",
        str(result),
        "--national-workers",
        str(args.national_workers),
        "--pemda-workers",
        str(args.pemda_workers),
        "--sample",
        str(args.sample),
        "--max-page",
        str(args.max_page),
        "--wait-min",
        str(args.wait_min),
        "--wait-max",
        str(args.wait_max),
        "--api-path",
        args.api_path,
    ]
    if args.reference:
        cmd += ["--reference", args.reference]
    subprocess.run(cmd, check=True, env=_env(url, workdir), cwd=ROOT)
    return dict(json.loads(result.read_text()))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn on loopback; `stop()` ends it (and so its workers) on any exit."""

    def __init__(self, url: str, workdir: Path, args: argparse.Namespace) -> None:
        self.port = args.port or free_port()
        self.host = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "gunicorn.log"
        self.cmd = [
            str(BIN / "gunicorn"),
            "lindung.wsgi:application",
            "-b",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(args.gunicorn_workers),
            "--threads",
            str(args.gunicorn_threads),
            "--timeout",
            "120",
            "--error-logfile",
            str(self.log),
        ]
        self.env = _env(url, workdir)
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, probe_path: str) -> float:
        import requests

        (self.workdir / "data").mkdir(exist_ok=True)
        with open(self.workdir / "gunicorn.out", "wb") as out:
            self.process = subprocess.Popen(
                self.cmd, env=self.env, cwd=self.workdir, stdout=out, stderr=subprocess.STDOUT
            )
        start = time.perf_counter()
        while time.perf_counter() - start < 60:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.tail()}")
            try:
                if requests.get(self.host + probe_path, timeout=30, allow_redirects=False).status_code == 200:
                    return time.perf_counter() - start
            except requests.RequestException:  # not listening yet, or a worker still loading
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 s: {self.tail()}")

    def tail(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-20:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _session(host: str, config: dict[str, Any], persona: str) -> Any:
    """A logged-in requests session, as the locust users log in."""
    import requests

    session = requests.Session()
    login = config["paths"]["login"]
    page = session.get(host + login, timeout=30)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    token = match.group(1) if match else session.cookies.get("csrftoken", "")
    credentials = config["personas"][persona]
    answer = session.post(
        host + login,
        data={**credentials, "csrfmiddlewaretoken": token, "next": config["paths"]["home"]},
        headers={"Referer": host + login},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"warm-up: login as {credentials['username']} answered HTTP {answer.status_code}")
    return session


def warm_up(host: str, config: dict[str, Any], rounds: int) -> dict[str, list[float]]:
    """Every persona opens every page it uses `rounds` times (each gunicorn worker its templates and connection);
    then 10 sequential timed requests per endpoint as the admin: the latency without concurrency."""
    paths, token = config["paths"], config["token"]
    api_headers = {"Authorization": f"Bearer {token}"}
    sessions = {p: _session(host, config, p) for p in ("admin", "clerk", "monitor")}
    rng = random.Random(7)

    def requests_of(persona: str) -> list[tuple[str, str, dict[str, Any], dict[str, str]]]:
        out = [("dashboard", paths["home"], {}, {})]
        if persona != "monitor":
            out += [
                ("roster list", paths["roster"], {"page": rng.randint(1, config["max_page"])}, {}),
                ("roster list", paths["roster"], {"page": config["max_page"]}, {}),
                ("roster list", paths["roster"], {"q": rng.choice(config["first_names"])}, {}),
                ("worker page", rng.choice(config["worker_paths"][persona]), {}, {}),
            ]
        if persona == "admin":
            out.append(("coverage API", paths["api"], {}, api_headers))
        return out

    for _ in range(rounds):
        for persona, session in sessions.items():
            for name, path, params, headers in requests_of(persona):
                answer = session.get(host + path, params=params, headers=headers, allow_redirects=False, timeout=60)
                if not 200 <= answer.status_code < 300:
                    raise RuntimeError(f"warm-up: {persona} {name} {path} {params} answered HTTP {answer.status_code}")
    timed: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
    for _ in range(10):
        for name, path, params, headers in requests_of("admin"):
            start = time.perf_counter()
            sessions["admin"].get(host + path, params=params, headers=headers, allow_redirects=False, timeout=60)
            timed[name].append((time.perf_counter() - start) * 1000)
    return timed


def cpu_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def run_locust(host: str, workdir: Path, config: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    config_path, samples_path = workdir / "locust-config.json", workdir / "samples.json"
    config_path.write_text(json.dumps(config))
    prefix = workdir / "locust"
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(BENCH / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate or args.users),
        "-t",
        f"{args.seconds + LOGIN_ALLOWANCE}s",  # a safety net: the locustfile stops the run after the logins + --seconds
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    final = workdir / "final"
    env = dict(
        os.environ,
        LINDUNG_LOAD_CONFIG=str(config_path),
        LINDUNG_LOAD_SAMPLES=str(samples_path),
        LINDUNG_LOAD_FINAL=str(final),
    )
    busy0, total0 = cpu_busy()
    with open(workdir / "locust.log", "wb") as log:
        process = subprocess.Popen(cmd, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
        try:
            code = process.wait(timeout=args.seconds + LOGIN_ALLOWANCE + 60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    busy1, total1 = cpu_busy()
    if not Path(f"{final}_stats.csv").exists() or not samples_path.exists():
        text = (workdir / "locust.log").read_text(errors="replace")
        raise RuntimeError(f"locust exited with {code} and wrote no stats:\n{text[-3000:]}")
    with open(f"{final}_stats.csv", newline="") as f:
        stats = list(csv.DictReader(f))
    with open(f"{final}_failures.csv", newline="") as f:
        failures = list(csv.DictReader(f))
    return {
        "cmd": cmd,
        "exit": code,
        "stats": stats,
        "failures": failures,
        "samples": json.loads(samples_path.read_text()),
        "cpu": (busy1 - busy0) / max(1, total1 - total0),
    }


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def table(rows: list[tuple[str, ...]], header: tuple[str, ...], right: int = 1) -> None:
    widths = [max(len(r[i]) for r in [*rows, header]) for i in range(len(header))]

    def fmt(r: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i < right else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    say(fmt(header))
    say("  ".join("-" * w for w in widths))
    for r in rows:
        say(fmt(r))


def report(
    prep: dict[str, Any], server: Server, args: argparse.Namespace, warm: dict[str, list[float]], load: dict[str, Any]
) -> bool:
    phase = load["samples"]
    samples = phase["samples"]  # (end time, name, ms, ok)
    if not phase["started"]:
        say(f"\n[load] only {phase['logins']} of {args.users} users got through their login: nothing measured")
        return False
    duration = phase["stopped"] - phase["started"]
    first = min(s[0] - s[2] / 1000 for s in samples)
    say(
        f"\n[load] locust {args.users} users ({prep['config']['mix']}), spawn rate {args.spawn_rate or args.users}/s; "
        f"the logins took {phase['started'] - first:.1f} s, then {duration:.1f} s measured (exit code {load['exit']}); "
        f"each user pauses {args.wait_min}-{args.wait_max} s between requests (people read pages), so requests/s "
        "measure this mix, not the server's ceiling"
    )
    say(
        f"[load] machine CPU busy during the run: {load['cpu']:.0%} of {os.cpu_count()} cores (gunicorn, "
        f"PostgreSQL and locust share them)\n"
    )
    rows = []
    for r in load["stats"]:
        if r["Request Count"] == "0":  # the logins: counted before the stats were reset
            continue
        name = r["Name"] if r["Type"] else "all (locust's Aggregated)"
        rows.append(
            (
                name,
                r["Request Count"],
                r["Failure Count"],
                f"{float(r['Requests/s']):.2f}",
                r["50%"],
                r["95%"],
                r["99%"],
                f"{float(r['Max Response Time']):.0f}",
            )
        )
    say("locust's stats (ms):")
    table(rows, ("endpoint", "requests", "failures", "req/s", "median", "p95", "p99", "max"))
    if load["failures"]:
        say("\nfailures:")
        for f in load["failures"]:
            say(f"  {f['Occurrences']} x {f['Method']} {f['Name']}: {f['Error']}")

    say(f"\nexact, every request's time (nearest rank, ms; over the {duration:.1f} s measured):")
    ok = True
    rows = []
    judged = [s for s in samples if s[1] in ENDPOINTS and s[0] >= phase["started"]]
    for name in (*ENDPOINTS, "the four together"):
        picked = judged if name == "the four together" else [s for s in judged if s[1] == name]
        if not picked:
            rows.append((name, "0", "-", "-", "-", "-", "-", "-", "MISS (no requests)"))
            ok = False
            continue
        ms = [s[2] for s in picked]
        failed = sum(1 for s in picked if not s[3])
        p95 = percentile(ms, 0.95)
        passed = failed == 0 and p95 < GOAL_MS
        ok &= passed
        verdict = (
            "PASS"
            if passed
            else "MISS ("
            + ", ".join(
                ([f"{failed} failures"] if failed else [])
                + ([f"p95 {p95 / GOAL_MS:.2f}x goal"] if p95 >= GOAL_MS else [])
            )
            + ")"
        )
        rows.append(
            (
                name,
                f"{len(ms):,}",
                str(failed),
                f"{len(ms) / duration:.2f}",
                f"{percentile(ms, 0.5):.0f}",
                f"{p95:.0f}",
                f"{percentile(ms, 0.99):.0f}",
                f"{max(ms):.0f}",
                verdict,
            )
        )
    logins = [s for s in samples if s[1].startswith("login")]
    for name in sorted({s[1] for s in logins}):
        ms = [s[2] for s in logins if s[1] == name]
        failed = sum(1 for s in logins if s[1] == name and not s[3])
        ok &= failed == 0
        rows.append(
            (
                f"{name} (before, info)",
                str(len(ms)),
                str(failed),
                "",
                f"{percentile(ms, 0.5):.0f}",
                f"{percentile(ms, 0.95):.0f}",
                "",
                f"{max(ms):.0f}",
                "PASS" if not failed else "MISS (failures)",
            )
        )
    table(
        rows, ("endpoint", "requests", "failures", "req/s", "median", "p95", "p99", "max", "goal: no errors, p95 < 300")
    )
    say(
        "\nsingle user, warm, sequential (admin, 10 each, ms): "
        + "; ".join(f"{name} median {percentile(v, 0.5):.0f} max {max(v):.0f}" for name, v in warm.items() if v)
    )
    return ok


def describe(prep: dict[str, Any], server: Server, args: argparse.Namespace) -> None:
    national = prep["national"]
    facts = prep["facts"]
    if national["built"]:
        say(
            f"[prepare] national dataset built: {national['workers']:,} workers, {national['memberships']:,} "
            f"memberships, {national['seconds']:.1f} s (reference day {prep['reference']})"
        )
    else:
        say("[prepare] national dataset found in this database: reused")
    pemda = prep["pemda"]
    grown = prep["grown"]
    if grown:
        say(
            f"[prepare] {pemda['name']} ({pemda['code']}) had {pemda['had']:,} employments; added {grown['workers']:,} "
            f"workers with {grown['memberships']:,} memberships in {grown['seconds']:.1f} s"
        )
    agg = prep["aggregates"]
    if agg["rebuilt"]:
        say(
            f"[prepare] aggregates.rebuild(): {agg['events']:,} events in {agg['seconds']:.1f} s, horizon "
            f"{agg['horizon']}"
        )
    else:
        say(f"[prepare] aggregates found: reused (horizon {agg['horizon']})")
    say(
        f"[prepare] the Pemda: {pemda['name']} ({pemda['code']}), {facts['employments (Pemda)']:,} employments, "
        f"{facts['memberships (Pemda)']:,} memberships, {facts['units (Pemda)']} units; the clerk's unit "
        f"{prep['unit'][0]} {prep['unit'][1]} ({prep['config']['employments']['clerk']:,} employments); "
        f"the monitor's province {prep['province'][0]} {prep['province'][1]} ({facts['employers (province)']} "
        f"Pemda, {facts['employments (province)']:,} employments); the nation {facts['employers (nation)']} "
        f"Pemda, {facts['workers (nation)']:,} workers, {facts['memberships (nation)']:,} memberships"
    )
    say(f"[prepare] {prep['seconds']:.1f} s in all, peak RSS {prep['maxrss'] / GB:.2f} GB; today {prep['today']}")
    say(
        f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {platform.python_implementation()} "
        f"{platform.python_version()}, load average before the run {os.getloadavg()[0]:.2f}"
    )
    say(f"PostgreSQL: {', '.join(f'{k}={v}' for k, v in prep['server'].items())}")
    if prep["probe"]:
        probes = []
        for k, v in prep["probe"].items():
            status = f" (HTTP {v['status']})" if v["status"] != 200 else ""
            probes.append(f"{k} {v['queries']} queries {v['seconds'] * 1000:.0f} ms{status}")
        say("[prepare] one request in-process (Django test client, after one untimed): " + "; ".join(probes))
    threads = args.gunicorn_threads
    say(
        f"gunicorn: {args.gunicorn_workers} workers x {threads} threads ({'gthread' if threads > 1 else 'sync'}), "
        f"127.0.0.1:{server.port}, LINDUNG_DEBUG=0, LINDUNG_HTTPS=0, CONN_MAX_AGE 60"
    )


def mix(users: int) -> dict[str, int]:
    """How many of the users are which persona: most the Pemda admin, about 15% each clerk and monitor."""
    others = max(1, round(users * 0.15)) if users >= 3 else 0
    return {"admin": users - 2 * others, "clerk": others, "monitor": others}


def parent(args: argparse.Namespace) -> int:
    url = os.environ.get("LINDUNG_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        say("LINDUNG_DATABASE_URL is not a postgres:// URL: run through scripts/with-postgres.sh or `make bench-load`.")
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="lindung-load-"))
    server: Server | None = None

    def stop(signum: int, _: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    try:
        say(
            f"load test: {args.users} users for {args.seconds} s; national dataset {args.national_workers:,} "
            f"workers, one Pemda of {args.pemda_workers:,}"
        )
        try:
            prep = prepare(url, workdir, args)
        except subprocess.CalledProcessError as exc:
            say(f"the prepare phase failed (exit {exc.returncode}, its error above)")
            return 2
        prep["config"]["mix"] = mix(args.users)
        prep["config"]["run"] = args.seconds
        server = Server(url, workdir, args)
        describe(prep, server, args)
        if prep["missing"]:
            say(f"\nnot there yet: {', '.join(prep['missing'])} (URL names / API path): no load test run")
            return 2
        if args.prepare_only:
            return 0
        for name, v in prep["probe"].items():
            if not 200 <= v["status"] < 300:
                say(f"\n{name} answered HTTP {v['status']} in the test client: no load test run")
                return 2
        up = server.start(prep["config"]["paths"]["login"])
        say(f"\n[server] answering after {up:.1f} s")
        start = time.perf_counter()
        warm = warm_up(server.host, prep["config"], rounds=args.gunicorn_workers * args.gunicorn_threads)
        say(f"[server] warmed up in {time.perf_counter() - start:.1f} s")
        load = run_locust(server.host, workdir, prep["config"], args)
        ok = report(prep, server, args, warm, load)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {"prepare": {k: v for k, v in prep.items() if k != "config"}, "warm": warm, "load": load},
                    indent=2,
                    default=str,
                )
            )
        if not ok:
            say(f"\ngunicorn's log (tail):\n{server.tail()}")
        return 0 if ok else 1
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            say(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent locust users (default 20)")
    parser.add_argument("--seconds", type=int, default=60, help="how long locust runs (default 60)")
    parser.add_argument("--spawn-rate", type=float, help="users started per second (default: all in one second)")
    parser.add_argument(
        "--gunicorn-workers", type=int, default=2 * cores + 1, help="gunicorn worker processes (default 2 x cores + 1)"
    )
    parser.add_argument("--gunicorn-threads", type=int, default=1, help="threads per worker (default 1: sync)")
    parser.add_argument("--national-workers", type=int, default=2_200_000, help="workers in the national dataset")
    parser.add_argument("--pemda-workers", type=int, default=100_000, help="employments of the big Pemda")
    parser.add_argument("--reference", help="the dataset's reference day (default: today)")
    parser.add_argument("--wait-min", type=float, default=0.5, help="a user's shortest pause, seconds (0.5)")
    parser.add_argument("--wait-max", type=float, default=1.5, help="a user's longest pause, seconds (1.5)")
    parser.add_argument("--max-page", type=int, default=20, help="roster pages opened at random: 1..N (20)")
    parser.add_argument("--sample", type=int, default=2000, help="worker pages per persona to pick from (2000)")
    parser.add_argument("--api-path", default="/api/v1/coverage", help="the coverage API (default /api/v1/coverage)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument("--prepare-only", action="store_true", help="build the data and users, run no load")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, locust CSV)")
    parser.add_argument("--json", help="also write every measurement to this JSON file")
    parser.add_argument("--phase", choices=("prepare",), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        child(args)
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
