"""Waiting-time estimate for a ticket (pure: no Django, unit-tested on its own).

The formula: the open counters serving the group work in parallel, each taking on average
`average_service_minutes` per person, so the people ahead are served in

    minutes = ceil(people_ahead × average_service_minutes / open_counters)

The result is rounded up to whole minutes (the estimate should not promise too short a wait).
Nobody ahead gives 0 ("sắp đến lượt"). With no open counter serving the group nobody can say
when the queue moves again: the estimate is None and the page says so instead of a number.
"""

import math

DEFAULT_SERVICE_MINUTES = 8.0  # used when the group finished no ticket yet today


def estimated_wait_minutes(
    people_ahead: int, average_service_minutes: float, open_counters: int
) -> int | None:
    """Minutes until the ticket is called, or None when no open counter serves its group."""
    if open_counters <= 0:
        return None
    if people_ahead <= 0:
        return 0
    minutes = max(average_service_minutes, 0.0)
    return math.ceil(people_ahead * minutes / open_counters)


def average_minutes(durations_seconds: list[float], default: float = DEFAULT_SERVICE_MINUTES):
    """The mean of service durations in minutes; `default` when there is none to average.

    Durations of zero or less are not measurements (a clock correction, a ticket finished
    in the same instant it started) and are ignored.
    """
    valid = [d for d in durations_seconds if d > 0]
    if not valid:
        return default
    return sum(valid) / len(valid) / 60
