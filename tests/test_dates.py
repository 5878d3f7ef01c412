"""The one time format every stored and exported time uses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from trustcheck.dates import iso


@given(moment=st.datetimes(timezones=st.sampled_from(
    [timezone.utc, timezone(timedelta(0)), timezone(timedelta(hours=5, minutes=30)),
     timezone(timedelta(hours=-11))])))
def test_iso_writes_utc_to_the_second_exactly_as_strftime_does(moment):
    try:
        expected = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OverflowError:  # a moment that exists only in its own zone (year 1 at +05:30)
        return
    assert iso(moment) == expected


def test_iso_of_a_saved_moment():
    assert iso(datetime(2026, 12, 2, 5, 50, 58, 123, tzinfo=timezone.utc)) == \
        "2026-12-02T05:50:58Z"
    assert iso(datetime(2026, 12, 2, 7, 20, 58, tzinfo=timezone(timedelta(hours=1, minutes=30)))) \
        == "2026-12-02T05:50:58Z"
