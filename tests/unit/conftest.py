"""Hypothesis settings for every property test under tests/unit/ (the only ones in the suite).

Each example must finish within `DEADLINE`. Measured with `--hypothesis-show-statistics` on the two-core
machine with a load of 2.5, the slowest property (test_coverage_domain's kept state) takes 7-59 ms an
example and the frame properties of test_contributions 5-35 ms; 2 s is more than 30 times the slowest, so a
machine busy with other suites stays inside it, while an example that turns into seconds (a quadratic
loop, a row-by-row fallback) still fails. The tests keep their own `max_examples`; they set no deadline of
their own, so this profile decides it. `HYPOTHESIS_PROFILE=default` gives Hypothesis' own 200 ms.
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import settings

DEADLINE = dt.timedelta(seconds=2)

settings.register_profile("lindung", deadline=DEADLINE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "lindung"))
