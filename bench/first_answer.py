"""How long `make run` takes on a fresh folder until the web application first answers.

    make bench-first-answer
    .venv/bin/python bench/first_answer.py --runs 2

Each run makes a new folder beside nothing of the project's state, runs the steps `make run` runs (the
development key, `lindung init --history`, the map boundaries, `lindung demo`, `lindung serve`) and times
each, then polls the login page until it answers 200. A second `make run` in the same folder (everything
already there: the demo changes nothing) is timed too, since that is what a clerk sees every morning.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SHARED = REPO.parent / "shared" / "data" / "regions"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def step(name: str, args: list[str], cwd: Path, env: dict[str, str], times: dict[str, float]) -> None:
    started = time.perf_counter()
    subprocess.run([str(BIN / "lindung"), *args], cwd=cwd, env=env, check=True, capture_output=True)
    times[name] = times.get(name, 0.0) + time.perf_counter() - started


def make_run(folder: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINDUNG_")} | {"LINDUNG_DEBUG": "1"}
    times: dict[str, float] = {}
    started = time.perf_counter()
    toml = folder / "lindung.toml"
    if not toml.exists():
        toml.write_text(
            subprocess.run(
                [str(BIN / "python"), "-m", "lindung.config"], capture_output=True, text=True, check=True
            ).stdout
        )
    step("init", ["init", "--history", str(SHARED / "kode_wilayah_historis.csv")], folder, env, times)
    for name in ("provinsi.geojson", "kabkota.geojson"):
        step("boundaries", ["regions", "boundaries", str(SHARED / name)], folder, env, times)
    step("demo", ["demo"], folder, env, times)
    port = free_port()
    serve_started = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "lindung"), "serve", "--port", str(port), "--no-worker"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk/", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("lindung serve did not answer") from None
                time.sleep(0.1)
        times["serve"] = time.perf_counter() - serve_started
        times["total"] = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"{'run':<22}{'init':>8}{'bounds':>8}{'demo':>8}{'serve':>8}{'total':>8}   (seconds)")
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="lindung-first-") as tmp:
            folder = Path(tmp)
            for label in ("fresh folder", "again (all there)"):
                t = make_run(folder)
                print(
                    f"{run}: {label:<19}{t['init']:>8.1f}{t['boundaries']:>8.1f}{t['demo']:>8.1f}"
                    f"{t['serve']:>8.1f}{t['total']:>8.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
