"""Locust users for the load test (issue 5); bench/load.py starts locust with this file, do not run it alone.

Everything it needs comes from the JSON file named by LINDUNG_LOAD_CONFIG, written by bench/load.py: the
resolved paths (dashboard, roster, login, the coverage API), each persona's login, the worker pages each may
open, the API token, search words and how deep to page. Each simulated user logs in once (GET the login page
for the CSRF cookie and field, POST it), then loops over weighted tasks with a pause of `wait` seconds between
requests, as a person reading a page would. The measured time starts once every user has logged in (a login
hashes its password with argon2, 0.2-0.3 s of CPU each: 20 at once would otherwise queue the first page
requests behind them): the users wait for each other, locust's stats are reset, and `run` seconds later the runner
stops (locust's own -t is only a safety net). Redirects are not followed and any answer but 2xx is a failure (302
for the login itself). Every request's time is also written to the file named by LINDUNG_LOAD_SAMPLES, so the
orchestrator can compute exact percentiles over the endpoints it judges (the login left out), and locust's stats
once more when the test stops (LINDUNG_LOAD_FINAL + _stats.csv, _failures.csv).
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

CONFIG: dict[str, Any] = json.loads(Path(os.environ["LINDUNG_LOAD_CONFIG"]).read_text())
PATHS: dict[str, str] = CONFIG["paths"]
WAIT = between(*CONFIG["wait"])
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAMPLES: list[tuple[float, str, float, bool]] = []  # (end time, name, ms, ok)
USERS = sum(CONFIG["mix"].values())
LOGGED_IN = Event()  # set once every user has logged in: the measured time starts
PHASE = {"logins": 0, "started": 0.0, "stopped": 0.0}


def _all_logged_in(environment: Any) -> None:
    environment.runner.stats.reset_all()
    PHASE["started"] = time.time()
    LOGGED_IN.set()
    gevent.spawn_later(CONFIG["run"], environment.runner.quit)


@events.request.add_listener
def _sample(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    SAMPLES.append((time.time(), name, response_time, exception is None))


@events.test_stop.add_listener
def _write_final(environment: Any, **_: Any) -> None:
    """After the users have stopped: every request's time, and locust's request and failure stats complete (the
    CSV files of --csv are rewritten every second, so their last version can miss the last second)."""
    PHASE["stopped"] = time.time()
    target = os.environ.get("LINDUNG_LOAD_SAMPLES")
    if target:
        Path(target).write_text(json.dumps({**PHASE, "samples": SAMPLES}))
    prefix = os.environ.get("LINDUNG_LOAD_FINAL")
    if prefix:
        writer = StatsCSV(environment, PERCENTILES_TO_REPORT)
        with open(f"{prefix}_stats.csv", "w", newline="") as f:
            writer.requests_csv(csv.writer(f))
        with open(f"{prefix}_failures.csv", "w", newline="") as f:
            writer.failures_csv(csv.writer(f))


class Persona(HttpUser):
    abstract = True
    persona = ""
    wait_time = WAIT

    def on_start(self) -> None:
        login = CONFIG["personas"][self.persona]
        self.worker_paths: list[str] = CONFIG["worker_paths"].get(self.persona, [])
        page = self.client.get(PATHS["login"], name="login (form)")
        match = CSRF_FIELD.search(page.text)
        token = match.group(1) if match else self.client.cookies.get("csrftoken", "")
        with self.client.post(
            PATHS["login"],
            data={
                "username": login["username"],
                "password": login["password"],
                "next": PATHS["home"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + PATHS["login"]},
            allow_redirects=False,
            name="login (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {login['username']}: HTTP {response.status_code}")
            else:
                response.success()
        PHASE["logins"] += 1  # failed or not: a failed login shows as failures, it must not stall the others
        if PHASE["logins"] == USERS:
            _all_logged_in(self.environment)
        LOGGED_IN.wait()

    def get(self, path: str, name: str, **kwargs: Any) -> None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True, **kwargs) as response:
            if not 200 <= response.status_code < 300:
                response.failure(f"HTTP {response.status_code}")
            else:
                response.success()

    def dashboard(self) -> None:
        self.get(PATHS["home"], "dashboard")

    def roster_page(self) -> None:
        self.get(PATHS["roster"], "roster list", params={"page": random.randint(1, CONFIG["max_page"])})

    def roster_search(self) -> None:
        first, last = random.choice(CONFIG["first_names"]), random.choice(CONFIG["last_names"])
        q = random.choice((first, last, f"{first} {last}"))
        self.get(PATHS["roster"], "roster list", params={"q": q, "page": random.randint(1, 2)})

    def worker_page(self) -> None:
        self.get(random.choice(self.worker_paths), "worker page")


class PemdaAdmin(Persona):
    """The admin of the Pemda with 100,000 workers: all four endpoints."""

    fixed_count = CONFIG["mix"]["admin"]
    persona = "admin"

    @task(3)
    def t_dashboard(self) -> None:
        self.dashboard()

    @task(3)
    def t_roster(self) -> None:
        self.roster_page()

    @task(2)
    def t_search(self) -> None:
        self.roster_search()

    @task(4)
    def t_worker(self) -> None:
        self.worker_page()

    @task(2)
    def t_api(self) -> None:
        self.get(PATHS["api"], "coverage API", headers={"Authorization": f"Bearer {CONFIG['token']}"})


class OpdClerk(Persona):
    """A clerk of the Pemda's biggest unit: dashboard, roster and worker pages of that unit."""

    fixed_count = CONFIG["mix"]["clerk"]
    persona = "clerk"

    @task(2)
    def t_dashboard(self) -> None:
        self.dashboard()

    @task(3)
    def t_roster(self) -> None:
        self.roster_page()

    @task(2)
    def t_search(self) -> None:
        self.roster_search()

    @task(4)
    def t_worker(self) -> None:
        self.worker_page()


class ProvinceMonitor(Persona):
    """A monitor of the Pemda's province: the dashboard only (monitors see no worker records)."""

    fixed_count = CONFIG["mix"]["monitor"]
    persona = "monitor"

    @task
    def t_dashboard(self) -> None:
        self.dashboard()
