"""The transition tables (built from zoneinfo's pure-Python twin) agree with zoneinfo itself."""

import os
import random
from datetime import UTC, datetime, timedelta

import pytest

from modules.schedule.zones import tz_database_names, zone_info, zone_table

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ZONES = sorted(tz_database_names())
SAMPLE = [*random.Random(7).sample(ZONES, 12), "Europe/Dublin", "Australia/Lord_Howe", "UTC"]


@pytest.mark.parametrize("name", SAMPLE)
def test_offset_table_matches_zoneinfo_from_1970_to_2199(name):
    table, zone = zone_table(name), zone_info(name)
    rng = random.Random(name)
    for _ in range(100):
        instant = rng.randrange(0, 7_258_118_400)  # 1970 .. 2200
        expected = EPOCH + timedelta(seconds=instant)
        offset = int(expected.astimezone(zone).utcoffset().total_seconds())
        assert table.offset_at(instant) == offset, f"{name} at {expected.isoformat()}"


@pytest.mark.parametrize("name", SAMPLE)
def test_wall_to_utc_takes_the_first_occurrence_and_skips_gaps(name):
    table, zone = zone_table(name), zone_info(name)
    rng = random.Random(name)
    # Random walls, plus walls right around real transitions (gaps and repeated hours).
    walls = [rng.randrange(86_400, 7_258_032_000) for _ in range(100)]
    for i in rng.sample(range(len(table.tau)), min(10, len(table.tau))):
        walls += [table.wall_before[i] + delta for delta in (-1800, -60, 0, 60, 1800, 3600)]
    for wall in walls:
        naive = datetime(1970, 1, 1) + timedelta(seconds=wall)
        first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
        exists = first.astimezone(zone).replace(tzinfo=None) == naive
        expected = int((first - EPOCH).total_seconds()) if exists else None
        assert table.to_utc(wall) == expected, f"{name} wall {naive.isoformat()}"


@pytest.mark.skipif(
    os.environ.get("HYPOTHESIS_PROFILE") != "thorough", reason="thorough run only (~600 zones)"
)
def test_every_iana_zone_builds_a_table():
    for name in ZONES:
        assert zone_table(name).name == name
