"""Hypothesis profiles and the oracle counter.

Profiles: ``ci`` (default, fast) and ``thorough`` (thousands of examples), chosen with the
environment variable ``SHALLOWSYM_PROFILE``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=2500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("SHALLOWSYM_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter):
    from oracles import Z3_COUNTS

    if Z3_COUNTS["checked"]:
        terminalreporter.write_line(
            f"z3 oracle: {Z3_COUNTS['checked']} equivalence examples decided by Z3 "
            f"({Z3_COUNTS['equivalent']} equivalent, "
            f"{Z3_COUNTS['checked'] - Z3_COUNTS['equivalent']} not); disagreements fail the run"
        )
