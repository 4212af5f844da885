"""The waiting-time estimate: a pure function, no database."""

import pytest

from motcua.queueing.estimates import (
    DEFAULT_SERVICE_MINUTES,
    average_minutes,
    estimated_wait_minutes,
)


@pytest.mark.parametrize(
    ("ahead", "minutes", "counters", "expected"),
    [
        (0, 8, 2, 0),  # nobody ahead: "sắp đến lượt"
        (1, 8, 1, 8),
        (10, 8, 2, 40),  # two counters halve the wait
        (3, 8, 2, 12),
        (1, 8, 3, 3),  # 2.67 rounds up: never promise too short a wait
        (5, 0.5, 1, 3),  # 2.5 → 3
        (7, 6.0, 7, 6),
    ],
)
def test_people_ahead_times_service_time_over_open_counters(ahead, minutes, counters, expected):
    assert estimated_wait_minutes(ahead, minutes, counters) == expected


@pytest.mark.parametrize("counters", [0, -1])
def test_no_open_counter_gives_no_estimate(counters):
    assert estimated_wait_minutes(4, 8, counters) is None
    assert estimated_wait_minutes(0, 8, counters) is None


def test_negative_inputs_do_not_give_negative_minutes():
    assert estimated_wait_minutes(-2, 8, 1) == 0
    assert estimated_wait_minutes(3, -5, 1) == 0


def test_average_of_durations_in_minutes():
    assert average_minutes([300, 600, 900]) == 10
    assert average_minutes([90]) == 1.5


def test_average_defaults_to_eight_minutes_without_measurements():
    assert DEFAULT_SERVICE_MINUTES == 8
    assert average_minutes([]) == 8
    assert average_minutes([0, -30]) == 8  # not measurements
    assert average_minutes([], default=5) == 5
    assert average_minutes([0, 600]) == 10  # the zero is ignored, not averaged in
