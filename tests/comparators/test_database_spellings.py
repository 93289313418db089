"""SPEC section 2's rules across databases and drivers (issue 10): one parametrized row per pair.

``MATCH``: pairs that hold the same data spelled by another database, driver or serializer, which must
compare equal and name the rule that absorbed each field. ``DIFFER``: pairs that must stay a
difference, reported at the named legacy-side field. The first rows of each are issue 10's cases
1-22; the rest are more of each kind (other databases' spellings, negative numbers, fractional
epochs, zones, microseconds, empty and nested arrays, NULL elements, uppercase hex, padded base64)
and the false-positive guards of each rule.
"""

from __future__ import annotations

from typing import Any

import pytest

from comparators import Kind, Spec, compare

# (legacy, orm, spec or None, {rule: [fields]} the answer names)
MATCH: list[tuple[Any, Any, dict[str, Any] | None, dict[str, list[str]]]] = [
    # --- issue 10 cases 1-14 -----------------------------------------------------------------------
    (
        {"is_active": 1, "archived": 0},
        {"isActive": True, "archived": False},
        None,
        {"boolean": ["is_active", "archived"]},
    ),
    (
        {"updated_at": 1735689600000},
        {"updatedAt": "2025-01-01T00:00:00.000Z"},
        None,
        {"epoch": ["updated_at"]},
    ),
    ({"ratio": 0.7}, {"ratio": 0.699999988079071}, None, {"float32": ["ratio"]}),
    (
        {"roles": '{admin,"read only"}', "tags": "{}"},
        {"roles": ["admin", "read only"], "tags": []},
        None,
        {"array_text": ["roles", "tags"]},
    ),
    (
        {"ttl": {"days": 1, "hours": 6}, "grace": {}},
        {"ttl": "1 day 06:00:00", "grace": "00:00:00"},
        None,
        {"duration": ["ttl", "grace"]},
    ),
    (
        [
            {
                "_id": {"$oid": "6740c0ffee00000000000001"},
                "joined": {"$date": "2024-11-22T10:00:00Z"},
                "points": {"$numberLong": "42"},
            }
        ],
        [{"id": "6740c0ffee00000000000001", "joined": "2024-11-22T10:00:00.000Z", "points": 42}],
        None,
        {"instant": ["joined"], "extended_json": ["_id", "joined", "points"]},
    ),
    (
        {"balance": "0E-8", "limit": "2.5E+3"},
        {"balance": 0, "limit": "2500.00"},
        None,
        {"number": ["balance", "limit"]},
    ),
    (
        {"Phone": {"String": "", "Valid": False}, "Age": {"Int64": 31, "Valid": True}},
        {"phone": None, "age": 31},
        None,
        {"go_nullable": ["Phone", "Age"]},
    ),
    (
        {"starts_at": "14:15:00"},
        {"startsAt": "1970-01-01T14:15:00.000Z"},
        None,
        {"time_of_day": ["starts_at"]},
    ),
    (
        {"enabled": "t", "locked": "f"},
        {"enabled": True, "locked": False},
        None,
        {"boolean": ["enabled", "locked"]},
    ),
    ({"sig": "\\x0aff"}, {"sig": {"type": "Buffer", "data": [10, 255]}}, None, {"bytes": ["sig"]}),
    (
        {"flags": "beta,internal", "extra": ""},
        {"flags": ["beta", "internal"], "extra": []},
        None,
        {"set_text": ["flags", "extra"]},
    ),
    ({"value": '"compact"'}, {"value": "compact"}, {"types": {"value": "json"}}, {"json_text": ["value"]}),
    (
        [{"id": 1, "author_name": "Kim"}],
        [{"id": 1, "author": {"name": "Kim"}}],
        {"rename": {"author_name": "author.name"}},
        {},
    ),
    # --- booleans ------------------------------------------------------------------------------------
    ({"b": "1"}, {"b": True}, None, {"boolean": ["b"]}),  # integer text (a text-mode driver)
    ({"b": "0"}, {"b": False}, None, {"boolean": ["b"]}),
    ({"b": "TRUE"}, {"b": True}, None, {"boolean": ["b"]}),  # any letter case
    ({"b": "False"}, {"b": False}, None, {"boolean": ["b"]}),  # Python's str(False)
    ({"b": "T"}, {"b": True}, None, {"boolean": ["b"]}),
    ({"b": 1.0}, {"b": True}, None, {"boolean": ["b"]}),
    ({"b": {"type": "Buffer", "data": [1]}}, {"b": True}, None, {"boolean": ["b"]}),  # MySQL BIT(1), mysql2
    ({"b": {"type": "Buffer", "data": [0]}}, {"b": False}, None, {"boolean": ["b"]}),
    ({"b": "\\x01"}, {"b": True}, None, {"boolean": ["b"]}),
    ({"b": "AQ=="}, {"b": True}, None, {"boolean": ["b"]}),  # padded base64 of one byte
    ({"b": {"0": 1}}, {"b": True}, None, {"boolean": ["b"]}),  # Uint8Array as JSON.stringify writes it
    ({"b": "b'\\x00'"}, {"b": False}, None, {"boolean": ["b"]}),  # Python str(b"\x00")
    ({"b": "t"}, {"b": "true"}, None, {"boolean": ["b"]}),  # two text-mode spellings
    ({"b": [1, 0]}, {"b": [True, False]}, None, {"boolean": ["b"]}),  # nested
    ({"b": {"Bool": True, "Valid": True}}, {"b": 1}, None, {"boolean": ["b"], "go_nullable": ["b"]}),
    ({"b": "Y"}, {"b": True}, {"types": {"b": "bool"}}, {"boolean": ["b"]}),
    ({"b": "no"}, {"b": False}, {"types": {"b": "bool"}}, {"boolean": ["b"]}),
    ({"b": "\x01"}, {"b": True}, {"types": {"b": "bool"}}, {"boolean": ["b"]}),
    # --- epochs --------------------------------------------------------------------------------------
    (
        {"at": 1735689600},
        {"at": "2025-01-01T00:00:00Z"},
        None,
        {"epoch": ["at"]},
    ),  # seconds (SQLite unixepoch)
    (
        {"at": 1735689600123456},
        {"at": "2025-01-01T00:00:00.123456Z"},
        None,
        {"epoch": ["at"]},
    ),  # microseconds
    ({"at": 1735689600.5}, {"at": "2025-01-01T00:00:00.500Z"}, None, {"epoch": ["at"]}),  # fractional seconds
    (
        {"at": 1735689600.1234567},
        {"at": "2025-01-01T00:00:00.123456Z"},
        None,
        {"epoch": ["at"]},
    ),  # time.time()
    ({"at": -1500}, {"at": "1969-12-31T23:59:58.500Z"}, None, {"epoch": ["at"]}),  # before 1970, in ms
    ({"at": 1735693200000}, {"at": "2025-01-01T01:00:00.000+00:00"}, None, {"epoch": ["at"]}),
    ({"at": 1735689600000}, {"at": "2025-01-01T02:00:00+02:00"}, None, {"epoch": ["at"]}),  # another zone
    ({"at": 1735689600000}, {"at": "2025-01-01"}, None, {"epoch": ["at"]}),  # a date is midnight UTC
    ({"at": "1735689600000"}, {"at": "2025-01-01T00:00:00.000Z"}, None, {"epoch": ["at"]}),  # int8 as text
    (
        {"at": {"$date": {"$numberLong": "1735689600000"}}},
        {"at": "2025-01-01T00:00:00.000Z"},
        None,
        {"epoch": ["at"], "extended_json": ["at"]},
    ),
    (
        {"at": 1735689600000.4},
        {"at": "2025-01-01T00:00:00.000Z"},
        {"types": {"at": "epoch_ms"}},
        {"epoch": ["at"]},
    ),
    ({"at": "1735689600"}, {"at": "2025-01-01T00:00:00Z"}, {"types": {"at": "epoch_s"}}, {"epoch": ["at"]}),
    # --- float32 -------------------------------------------------------------------------------------
    ({"r": 0.1}, {"r": 0.10000000149011612}, None, {"float32": ["r"]}),
    ({"r": -3.3}, {"r": -3.299999952316284}, None, {"float32": ["r"]}),  # negative
    ({"r": 0.699999988079071}, {"r": 0.7}, None, {"float32": ["r"]}),  # the widened side on the left
    ({"r": "0.7"}, {"r": 0.699999988079071}, None, {"float32": ["r"]}),  # decimal text (text protocol)
    ({"r": 3.4028235e38}, {"r": 3.4028234663852886e38}, None, {"float32": ["r"]}),  # float32's largest
    # MariaDB's text protocol: a FLOAT printed with six significant digits (mysql2 query(), PHP mysqli)
    ({"r": 0.123457}, {"r": 0.12345670163631439}, None, {"float32": ["r"]}),  # 0.1234567 stored
    ({"r": "0.123457"}, {"r": 0.12345670163631439}, None, {"float32": ["r"]}),  # as text (PHP mysqli)
    ({"r": 3.40282e38}, {"r": 3.4028234663852886e38}, None, {"float32": ["r"]}),  # float32's largest
    ({"r": "3.40282e38"}, {"r": 3.4028234663852886e38}, None, {"float32": ["r"]}),  # MariaDB's own layout
    ({"r": 3.14159}, {"r": 3.1415927410125732}, None, {"float32": ["r"]}),  # pi, MariaDB's FLOAT page
    ({"r": -1234.57}, {"r": -1234.56787109375}, None, {"float32": ["r"]}),  # -1234.567890123, the same page
    ({"r": 16777200.0}, {"r": 16777216.0}, None, {"float32": ["r"]}),  # 16777200 read as a float (MySQLdb)
    # --- numbers -------------------------------------------------------------------------------------
    ({"n": "1E+4"}, {"n": 10000}, None, {"number": ["n"]}),
    ({"n": "1.5e-3"}, {"n": 0.0015}, None, {"number": ["n"]}),
    ({"n": "-2.5E+3"}, {"n": -2500}, None, {"number": ["n"]}),
    ({"n": "0E-7"}, {"n": "0.0000000"}, None, {"number": ["n"]}),
    ({"n": {"$numberDecimal": "12.50"}}, {"n": "12.5"}, None, {"number": ["n"], "extended_json": ["n"]}),
    ({"n": {"$numberDouble": "1.5"}}, {"n": 1.5}, None, {"extended_json": ["n"]}),
    ({"n": {"$numberInt": "-7"}}, {"n": "-7"}, None, {"number": ["n"], "extended_json": ["n"]}),
    # --- instants and times of day --------------------------------------------------------------------
    ({"t": "2024-11-03 09:15:00 +0100"}, {"t": "2024-11-03T08:15:00.000Z"}, None, {"instant": ["t"]}),  # Ruby
    ({"t": "2024-11-03 09:15:00 UTC"}, {"t": "2024-11-03T09:15:00Z"}, None, {"instant": ["t"]}),  # Ruby, UTC
    ({"t": "2024-11-03 09:15:00.123456-0500"}, {"t": "2024-11-03T14:15:00.123Z"}, None, {"instant": ["t"]}),
    ({"t": "14:15:00"}, {"t": "2000-01-01T14:15:00.000Z"}, None, {"time_of_day": ["t"]}),  # Rails
    (
        {"t": "14:15:00.123456"},
        {"t": "1970-01-01T14:15:00.123Z"},
        None,
        {"time_of_day": ["t"]},
    ),  # microseconds
    ({"t": "16:15:00+02"}, {"t": "1970-01-01T14:15:00Z"}, None, {"time_of_day": ["t"]}),  # timetz
    (
        {"t": "01:00:00+02:00"},
        {"t": "1969-12-31T23:00:00.000Z"},
        None,
        {"time_of_day": ["t"]},
    ),  # across midnight
    ({"t": "14:15:00"}, {"t": "14:15:00.000000"}, None, {"time_of_day": ["t"]}),
    ({"t": "14:15:00Z"}, {"t": "16:15:00+02:00"}, None, {"time_of_day": ["t"]}),
    (
        {"t": {"date": "2024-11-03 09:15:00.123456", "timezone_type": 3, "timezone": "Europe/Berlin"}},
        {"t": "2024-11-03T08:15:00.123Z"},
        None,
        {"instant": ["t"], "php_datetime": ["t"]},
    ),
    (
        {"t": {"date": "2024-07-03 09:15:00.000000", "timezone_type": 1, "timezone": "+02:00"}},
        {"t": "2024-07-03T07:15:00Z"},
        None,
        {"instant": ["t"], "php_datetime": ["t"]},
    ),
    (
        {"t": {"date": "2024-07-03 09:15:00.000000", "timezone_type": 2, "timezone": "UTC"}},
        {"t": 1719998100000},
        None,
        {"epoch": ["t"], "php_datetime": ["t"]},
    ),
    (
        {"t": {"Time": "2024-07-03T09:15:00Z", "Valid": True}},
        {"t": "2024-07-03T09:15:00.000Z"},
        None,
        {"instant": ["t"], "go_nullable": ["t"]},
    ),
    # --- durations -----------------------------------------------------------------------------------
    ({"d": "1 day, 2:00:00"}, {"d": "P1DT2H"}, None, {"duration": ["d"]}),  # Python's str(timedelta)
    ({"d": "-1 day, 23:59:59"}, {"d": "-00:00:01"}, None, {"duration": ["d"]}),
    ({"d": "0:00:01.500000"}, {"d": 1.5}, None, {"duration": ["d"]}),  # a number counts seconds
    ({"d": {"hours": -1}}, {"d": "-01:00:00"}, None, {"duration": ["d"]}),  # negative parts
    ({"d": {"months": 1, "milliseconds": 500}}, {"d": "1 mon 00:00:00.5"}, None, {"duration": ["d"]}),
    ({"d": {}}, {"d": 0}, None, {"duration": ["d"]}),
    ({"d": {"minutes": 90}}, {"d": {"hours": 1, "minutes": 30}}, None, {"duration": ["d"]}),
    ({"d": "P1Y"}, {"d": "12 mons"}, None, {"duration": ["d"]}),
    # --- UUIDs ---------------------------------------------------------------------------------------
    (
        {"u": "{550e8400-e29b-41d4-a716-446655440000}"},
        {"u": "550E8400-E29B-41D4-A716-446655440000"},
        None,
        {"uuid": ["u"]},
    ),
    (
        {"u": "urn:uuid:550e8400-e29b-41d4-a716-446655440000"},
        {"u": "550e8400e29b41d4a716446655440000"},
        None,
        {"uuid": ["u"]},
    ),
    (
        {"u": {"$uuid": "550e8400-e29b-41d4-a716-446655440000"}},
        {"u": "550E8400-E29B-41D4-A716-446655440000"},
        None,
        {"uuid": ["u"], "extended_json": ["u"]},
    ),
    # --- bytes ---------------------------------------------------------------------------------------
    ({"x": "\\x0AFF"}, {"x": "Cv8="}, None, {"bytes": ["x"]}),  # uppercase hex, padded base64
    (
        {"x": "b'\\n\\xff'"},
        {"x": {"0": 10, "1": 255}},
        None,
        {"bytes": ["x"]},
    ),  # Python literal vs Uint8Array
    ({"x": {"type": "Buffer", "data": []}}, {"x": {}}, None, {"bytes": ["x"]}),  # empty
    ({"x": "\\x"}, {"x": ""}, None, {"bytes": ["x"]}),
    (
        {"x": {"$binary": {"base64": "Cv8=", "subType": "00"}}},
        {"x": "\\x0aff"},
        None,
        {"bytes": ["x"], "extended_json": ["x"]},
    ),
    (
        {"x": {"$binary": "Cv8=", "$type": "00"}},
        {"x": {"type": "Buffer", "data": [10, 255]}},
        None,
        {"bytes": ["x"], "extended_json": ["x"]},
    ),
    ({"x": "Cv8"}, {"x": "\\x0aff"}, None, {"bytes": ["x"]}),  # URL-safe base64 without padding
    # --- arrays in text ------------------------------------------------------------------------------
    ({"a": "{1,2,3}"}, {"a": [1, 2, 3]}, None, {"array_text": ["a"], "number": ["a"]}),
    ({"a": "{NULL,x}"}, {"a": [None, "x"]}, None, {"array_text": ["a"]}),  # NULL elements
    ({"a": '{"NULL"}'}, {"a": ["NULL"]}, None, {"array_text": ["a"]}),  # a quoted NULL is text
    ({"a": "{{1,2},{3,4}}"}, {"a": [[1, 2], [3, 4]]}, None, {"array_text": ["a"], "number": ["a"]}),  # nested
    ({"a": '{"a\\"b","c,d"}'}, {"a": ['a"b', "c,d"]}, None, {"array_text": ["a"]}),  # escapes, commas
    ({"a": "{t,f}"}, {"a": [True, False]}, None, {"array_text": ["a"], "boolean": ["a"]}),
    (
        {"a": "{2025-01-01}"},
        {"a": ["2025-01-01T00:00:00.000Z"]},
        None,
        {"array_text": ["a"], "instant": ["a"]},
    ),
    ({"a": "single"}, {"a": ["single"]}, None, {"set_text": ["a"]}),
    # --- wrappers, keys ------------------------------------------------------------------------------
    ({"v": {"V": "x", "Valid": True}}, {"v": "x"}, None, {"go_nullable": ["v"]}),
    ({"v": {"Float64": 0, "Valid": False}}, {"v": None}, None, {"go_nullable": ["v"]}),
    ({"v": {"$oid": "6740c0ffee00000000000001"}}, {"v": {"$oid": "6740c0ffee00000000000001"}}, None, {}),
    (
        [
            {"_id": {"$oid": "6740c0ffee0000000000000a"}, "n": 1},
            {"_id": {"$oid": "6740c0ffee0000000000000b"}, "n": 2},
        ],
        [{"id": "6740c0ffee0000000000000b", "n": 2}, {"id": "6740c0ffee0000000000000a", "n": 1}],
        None,
        {"extended_json": ["_id"]},
    ),
    # --- JSON text -----------------------------------------------------------------------------------
    ({"j": '"true"'}, {"j": True}, {"types": {"j": "json"}}, {"boolean": ["j"], "json_text": ["j"]}),
    ({"j": '[{}, "x"]'}, {"j": [[], "x"]}, {"types": {"j": "json"}}, {"json_text": ["j"]}),  # PHP: {} is []
    ({"j": '{"a": {}}'}, {"j": {"a": []}}, {"types": {"j": "json"}}, {"json_text": ["j"]}),
    ({"j": "12"}, {"j": 12}, {"types": {"j": "json"}}, {"number": ["j"]}),
    ({"j": '{"a": [1, 2]}'}, {"j": {"a": [1, 2]}}, None, {"json_text": ["j"]}),
    ({"j": "[18446744073709551617]"}, {"j": [18446744073709551617]}, None, {"json_text": ["j"]}),
    # --- found by tests/comparators/test_kinds.py ------------------------------------------------------
    # a UUID as Extended JSON writes it (binary subtype 4, canonical and legacy form) against its text
    (
        {"id": {"$binary": {"base64": "VQ6EAOKbQdSnFkRmVUQAAA==", "subType": "04"}}},
        {"id": "550e8400-e29b-41d4-a716-446655440000"},
        None,
        {"extended_json": ["id"]},
    ),
    (
        {"id": {"$binary": "VQ6EAOKbQdSnFkRmVUQAAA==", "$type": "04"}},
        {"id": "550E8400E29B41D4A716446655440000"},
        None,
        {"extended_json": ["id"], "uuid": ["id"]},
    ),
    ({"b": "\\x", "c": "b''"}, {"b": {}, "c": {}}, None, {"bytes": ["b", "c"]}),  # Prisma 7: Uint8Array(0)
    # Go lib/pq reads time/timetz with time.Parse("15:04:05"): January 1 of year 0
    (
        {"t": "14:15:00", "tz": "14:15:00+02"},
        {"t": "0000-01-01T14:15:00Z", "tz": "0000-01-01T14:15:00+02:00"},
        None,
        {"time_of_day": ["t", "tz"]},
    ),
    # one time column on two ORMs' placeholder dates: Rails, Prisma, Go
    (
        {"t": "2000-01-01T14:15:00.000Z", "u": "0000-01-01T12:15:00.5+02:00"},
        {"t": "1970-01-01T14:15:00.000Z", "u": "1970-01-01T10:15:00.500Z"},
        None,
        {"time_of_day": ["t", "u"]},
    ),
    ({"a": "{\x1f, x\x1c}"}, {"a": ["\x1f", "x\x1c"]}, None, {"array_text": ["a"]}),  # not array_isspace
    # negative ISO durations, a minus on each part: Java's Duration.toString, PostgreSQL's iso_8601 style
    (
        {"d": "PT-6H-3M", "e": "P-1DT-2H-0.5S"},
        {"d": "-06:03:00", "e": "-1 days -02:00:00.5"},
        None,
        {"duration": ["d", "e"]},
    ),
    # an offset with seconds: PostgreSQL and isoformat() print a zone's local mean time so
    ({"t": "1900-01-01 00:00:00+00:19:32"}, {"t": "1899-12-31T23:40:28.000Z"}, None, {"instant": ["t"]}),
    # Jackson's java.time arrays (JavaTimeModule, WRITE_DATES_AS_TIMESTAMPS): LocalDate, LocalDateTime with
    # its zero second and nanosecond left out, LocalTime; against ISO text, an epoch, Extended JSON
    (
        {"d": [2025, 3, 1], "e": [2025, 3, 1], "f": [2025, 3, 1], "g": [2025, 3, 1]},
        {
            "d": "2025-03-01",
            "e": "2025-03-01T00:00:00.000Z",
            "f": "2025-03-01 00:00:00",
            "g": "2025-03-01T02:00+02:00",
        },
        None,
        {"instant": ["d", "e", "f", "g"]},
    ),
    (
        {
            "a": [2025, 6, 30, 22, 45, 10, 123000000],
            "b": [2025, 6, 30, 22, 45],
            "c": [2025, 6, 30, 22, 45, 10],
        },
        {"a": "2025-06-30T22:45:10.123Z", "b": "2025-06-30 22:45:00", "c": "2025-07-01T00:45:10+02:00"},
        None,
        {"instant": ["a", "b", "c"]},
    ),
    (
        {"a": [2025, 6, 30, 22, 45, 0, 1000], "b": [1999, 12, 31, 23, 59, 59, 999999999]},
        {"a": "2025-06-30 22:45:00.000001+00", "b": "1999-12-31T23:59:59.999999999Z"},
        None,
        {"instant": ["a", "b"]},
    ),
    (
        {"t": [14, 15], "u": [14, 15, 10], "v": [14, 15, 10, 500000000], "w": [0, 0], "x": [14, 15]},
        {"t": "14:15:00", "u": "1970-01-01T14:15:10.000Z", "v": "14:15:10.5", "w": "00:00:00", "x": "14:15"},
        None,
        {"time_of_day": ["t", "u", "v", "w", "x"]},
    ),
    (
        {"d": [2025, 3, 1], "a": [2025, 6, 30, 22, 45, 10, 500000000]},
        {"d": 1740787200000, "a": 1751323510.5},
        None,
        {"instant": ["d", "a"], "epoch": ["d", "a"]},
    ),
    (
        {"d": [2025, 3, 1], "days": [[2025, 3, 1], [2025, 3, 2]]},
        {"d": {"$date": "2025-03-01T00:00:00Z"}, "days": ["2025-03-01", "2025-03-02"]},
        None,
        {"instant": ["d", "days"], "extended_json": ["d"]},
    ),
    # recorded: one ObjectMapper with JavaTimeModule (jackson-databind 2.17.2, jackson-datatype-jsr310 2.17.1,
    # Java 17), WRITE_DATES_AS_TIMESTAMPS on (its default) against off; Instant/OffsetDateTime are numbers
    (
        {
            "date": [2025, 3, 1],
            "dt_min": [2025, 6, 30, 22, 45],
            "dt_sec": [2025, 6, 30, 22, 45, 10],
            "dt_nano": [2025, 6, 30, 22, 45, 10, 123000000],
            "dt_zero_sec_nano": [2025, 6, 30, 22, 45, 0, 1000],
            "t_min": [14, 15],
            "t_sec": [14, 15, 10],
            "t_nano": [14, 15, 10, 500000000],
            "instant": 1751323510.123,
            "odt": 1751316310.123,
        },
        {
            "date": "2025-03-01",
            "dt_min": "2025-06-30T22:45:00",
            "dt_sec": "2025-06-30T22:45:10",
            "dt_nano": "2025-06-30T22:45:10.123",
            "dt_zero_sec_nano": "2025-06-30T22:45:00.000001",
            "t_min": "14:15:00",
            "t_sec": "14:15:10",
            "t_nano": "14:15:10.5",
            "instant": "2025-06-30T22:45:10.123Z",
            "odt": "2025-06-30T22:45:10.123+02:00",
        },
        None,
        {
            "instant": ["date", "dt_min", "dt_sec", "dt_nano", "dt_zero_sec_nano"],
            "epoch": ["instant", "odt"],
            "time_of_day": ["t_min", "t_sec", "t_nano"],
        },
    ),
    # the same mapper with WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS off writes milliseconds in the same layout,
    # which nothing in the array tells apart: not read (a difference), see the DIFFER rows
    # a time of day at a whole minute as Java's LocalTime/OffsetTime.toString print it, and a date-time
    (
        {"t": "14:15", "u": "14:15", "v": "14:15+02:00", "w": "00:00Z", "x": "23:59"},
        {
            "t": "14:15:00",
            "u": "1970-01-01T14:15:00.000Z",
            "v": "0000-01-01T14:15:00+02:00",
            "w": "00:00:00",
            "x": "2000-01-01T23:59:00Z",
        },
        None,
        {"time_of_day": ["t", "u", "v", "w", "x"]},
    ),
    ({"at": "2025-06-30T22:45"}, {"at": "2025-06-30T22:45:00.000Z"}, None, {"instant": ["at"]}),
    # IEEE specials: PostgreSQL's float8/numeric text against MongoDB Extended JSON's $numberDouble
    (
        {"x": "Infinity", "y": "-Infinity", "z": "NaN"},
        {
            "x": {"$numberDouble": "Infinity"},
            "y": {"$numberDouble": "-Infinity"},
            "z": {"$numberDouble": "NaN"},
        },
        None,
        {"number": ["x", "y", "z"], "extended_json": ["x", "y", "z"]},
    ),
    (
        {"z": {"$numberDecimal": "NaN"}},
        {"z": {"$numberDouble": "NaN"}},
        None,
        {"number": ["z"], "extended_json": ["z"]},
    ),
    # PostgreSQL money as cash_out prints it under lc_monetary C/en_US (asyncpg, psycopg, node-pg, lib/pq)
    (
        {"a": "$1,234.50", "b": "-$1,234.50", "c": "$0.00", "d": "$92,233,720,368,547,758.07", "e": "-$0.01"},
        {"a": 1234.5, "b": "-1234.5", "c": 0, "d": "92233720368547758.07", "e": {"$numberDecimal": "-0.01"}},
        None,
        {"number": ["a", "b", "c", "d", "e"], "extended_json": ["e"]},
    ),
]


@pytest.mark.parametrize(("legacy", "orm", "spec", "normalized"), MATCH)
def test_database_spellings_match_and_name_their_rule(
    legacy: Any, orm: Any, spec: dict[str, Any] | None, normalized: dict[str, list[str]]
) -> None:
    result = compare(legacy, orm, Spec.from_dict(spec))
    assert result.differences == ()
    assert result.equal
    assert result.normalized_wire() == normalized


@pytest.mark.parametrize(("legacy", "orm", "spec", "normalized"), MATCH)
def test_database_spellings_match_either_way_round(
    legacy: Any, orm: Any, spec: dict[str, Any] | None, normalized: dict[str, list[str]]
) -> None:
    if spec and "rename" in spec:
        return  # (a rename is one-way: legacy name -> ORM name)
    result = compare(orm, legacy, Spec.from_dict(spec))
    assert result.equal, result.differences
    assert {rule for rule, _ in result.normalized} == set(normalized)


# (legacy, orm, spec or None, [(field, kind)] or [field] the report must name)
DIFFER: list[tuple[Any, Any, dict[str, Any] | None, list[Any]]] = [
    # --- issue 10 cases 15-22 ------------------------------------------------------------------------
    ({"n": 2}, {"n": True}, None, ["n"]),
    ({"ok": "yes"}, {"ok": True}, None, ["ok"]),
    ({"at": 1735689600001}, {"at": "2025-01-01T00:00:00.000Z"}, None, ["at"]),
    ({"zip": "01234"}, {"zip": 1234}, None, ["zip"]),
    ({"ratio": 0.7}, {"ratio": 0.7000001}, None, ["ratio"]),
    ({"value": '"compact"'}, {"value": "compact"}, None, ["value"]),
    ({"Phone": {"String": "x", "Valid": False}}, {"phone": "x"}, None, ["Phone"]),
    (
        [{"id": 1, "steps": [{"id": 4}, {"id": 2}]}],
        [{"id": 1, "steps": [{"id": 2}, {"id": 4}]}],
        {"ordered": ["", "steps"]},
        [("steps", Kind.ORDER)],
    ),
    ([{"status": "OPEN"}], [{"status": "open"}], None, [("status", Kind.CHANGED)]),
    (
        [{"id": 1, "author_name": "Kim"}],
        [{"id": 1, "author": {"name": "Kym"}}],
        {"rename": {"author_name": "author.name"}},
        [("author_name", Kind.CHANGED)],
    ),
    # --- booleans: only their well-known encodings ---------------------------------------------------
    ({"b": -1}, {"b": True}, None, ["b"]),
    ({"b": 1}, {"b": False}, None, [("b", Kind.CHANGED)]),  # a real change, not a change of kind
    ({"b": "0"}, {"b": True}, None, ["b"]),
    ({"b": "Y"}, {"b": True}, None, ["b"]),  # Y/N only when declared bool
    ({"b": "on"}, {"b": True}, None, ["b"]),
    ({"b": "1.0"}, {"b": True}, None, ["b"]),
    ({"b": "01"}, {"b": True}, None, ["b"]),
    ({"b": {"type": "Buffer", "data": [2]}}, {"b": True}, None, ["b"]),
    ({"b": {"type": "Buffer", "data": [1, 0]}}, {"b": True}, None, ["b"]),  # two bytes
    ({"b": "T"}, {"b": "t"}, None, ["b"]),  # two letters of text: a change of case
    ({"b": "maybe"}, {"b": True}, {"types": {"b": "bool"}}, ["b"]),
    ({"b": 2}, {"b": True}, {"types": {"b": "bool"}}, ["b"]),
    ({"b": "1"}, {"b": True}, {"types": {"b": "text"}}, ["b"]),  # text: no coercion
    # --- epochs: exact -------------------------------------------------------------------------------
    ({"at": 1735689600000}, {"at": "2025-01-01T00:00:00.001Z"}, None, ["at"]),
    ({"at": 1735689600}, {"at": "2025-01-01T00:00:00.500Z"}, None, ["at"]),  # integer seconds are exact
    ({"at": 1735689600001}, {"at": "2025-01-01T00:00:00Z"}, None, ["at"]),  # coarser text: still exact
    ({"at": 1735689601}, {"at": "2025-01-01T00:00:00Z"}, None, ["at"]),
    ({"at": 1735689600000}, {"at": "2025-01-01T00:00:00"}, {"naive_time_zone": "+02:00"}, ["at"]),
    ({"at": 1735689600000}, {"at": "2025-01-01T00:00:00.000Z"}, {"types": {"at": "epoch_s"}}, ["at"]),
    ({"at": 2025}, {"at": "2025-01-01"}, None, ["at"]),
    # --- numbers and float32 -------------------------------------------------------------------------
    ({"n": "01234"}, {"n": "1234"}, None, ["n"]),
    ({"n": "1e5.5"}, {"n": 100000}, None, ["n"]),
    ({"n": "1E+4"}, {"n": 10001}, None, ["n"]),
    ({"n": "0E-8"}, {"n": 0.0000001}, None, ["n"]),
    ({"r": 0.5}, {"r": 0.50000001}, None, ["r"]),
    ({"r": 0.7}, {"r": 0.699999988079072}, None, ["r"]),  # not a float32 value
    ({"r": 7}, {"r": 7.000000476837158}, None, ["r"]),  # never for integers
    ({"r": 0.70000001}, {"r": 0.699999988079071}, None, ["r"]),  # not the shortest decimal
    ({"r": 16777217.0}, {"r": 16777216.0}, None, ["r"]),  # 2**24 + 1: neither its shortest nor its print
    ({"r": 5e-324}, {"r": 0.0}, None, ["r"]),  # reads back as float32 zero (underflow); zero's is "0"
    ({"r": 1e-46}, {"r": 0.0}, None, ["r"]),
    # six significant digits only as MariaDB prints them, of a float32 value only
    ({"r": 0.7}, {"r": 0.7000000476837158}, None, ["r"]),  # next float32 after 0.7's: "0.7" has 1 digit
    ({"r": 0.123457}, {"r": 0.1234571}, None, ["r"]),  # the wide side is no float32 value
    ({"r": 0.123457}, {"r": 0.1234567}, None, ["r"]),  # a DOUBLE rounded to six digits
    ({"r": 0.123456}, {"r": 0.12345670163631439}, None, ["r"]),  # wrongly rounded
    ({"r": 0.1234567}, {"r": 0.12345670163631439 + 2**-27}, None, ["r"]),  # 7 digits of another float32
    ({"r": 16777200}, {"r": 16777216}, None, ["r"]),  # integers compare exactly, never through a float
    # a float32 value a DOUBLE column holds exactly too (an integer, a short binary fraction, under 2**24):
    # its six-digit rounding is what a rounding or off-by-one bug gives, so it stays a difference
    ({"r": 12345.8}, {"r": 12345.75}, None, ["r"]),
    ({"r": 10022400.0}, {"r": 10022401.0}, None, ["r"]),
    ({"r": 123456.0}, {"r": 123456.5}, None, ["r"]),
    ({"r": -1234.12}, {"r": -1234.125}, None, ["r"]),
    ({"r": "12345.8"}, {"r": 12345.75}, None, ["r"]),  # as text (PHP mysqli)
    # --- instants and times of day --------------------------------------------------------------------
    ({"t": "14:15:00"}, {"t": "1970-01-02T14:15:00.000Z"}, None, ["t"]),  # not a placeholder date
    ({"t": "14:15:00"}, {"t": "1970-01-01T14:15:01.000Z"}, None, ["t"]),
    ({"t": "14:15:00"}, {"t": "1970-01-01T14:15:00+01:00"}, None, ["t"]),
    ({"t": "14:15:00"}, {"t": "14:16:00"}, None, ["t"]),
    ({"t": "24:00:00"}, {"t": "1970-01-02T00:00:00Z"}, None, ["t"]),
    ({"t": "2024-11-03 09:15:00 +0100"}, {"t": "2024-11-03T09:15:00Z"}, None, ["t"]),
    (
        {"t": {"date": "2024-11-03 09:15:00.000000", "timezone_type": 3, "timezone": "Europe/Berlin"}},
        {"t": "2024-11-03T09:15:00Z"},
        None,
        ["t"],
    ),
    ({"t": {"date": "2024-11-03 09:15:00", "timezone_type": 3}}, {"t": "2024-11-03T09:15:00Z"}, None, ["t"]),
    # --- durations -----------------------------------------------------------------------------------
    ({"d": {"days": 1}}, {"d": "1 day 00:00:01"}, None, ["d"]),
    ({"d": {"days": 1, "weeks": 1}}, {"d": "8 days"}, None, ["d"]),  # not node-postgres' keys
    ({"d": {"days": "1"}}, {"d": "1 day"}, None, ["d"]),
    ({"d": {}}, {"d": "1 day"}, None, ["d"]),
    ({"d": 3600}, {"d": "01:00:01"}, None, ["d"]),
    ({"d": "1 day, 2:00:00"}, {"d": "1 day 03:00:00"}, None, ["d"]),
    # --- UUIDs ---------------------------------------------------------------------------------------
    ({"u": "550e8400e29b41d4a716446655440000"}, {"u": "550e8400-e29b-41d4-a716-446655440001"}, None, ["u"]),
    (
        {"u": "{550e8400-e29b-41d4-a716-446655440000"},
        {"u": "550e8400-e29b-41d4-a716-446655440000"},
        None,
        ["u"],
    ),
    (
        {"u": "550e8400-e29b41d4-a716-446655440000"},
        {"u": "550e8400-e29b-41d4-a716-446655440000"},
        None,
        ["u"],
    ),
    # --- bytes ---------------------------------------------------------------------------------------
    ({"x": "\\x0aff"}, {"x": {"type": "Buffer", "data": [10, 254]}}, None, ["x"]),
    ({"x": "\\x0af"}, {"x": {"type": "Buffer", "data": [10, 15]}}, None, ["x"]),  # odd hex
    ({"x": "Cv8="}, {"x": "Cv8"}, None, ["x"]),  # two unmarked spellings: plain text
    ({"x": "abcd"}, {"x": {"type": "Buffer", "data": [105, 183, 29, 0]}}, None, ["x"]),
    ({"x": {"0": 10, "2": 255}}, {"x": "\\x0aff"}, None, ["x"]),  # not a Uint8Array's keys
    ({"x": {"type": "Buffer", "data": [256]}}, {"x": "\\x00"}, None, ["x"]),
    # other bytes in two spellings: one difference at the field, not a diff of the two JSON shapes
    ({"x": {"type": "Buffer", "data": [1, 2, 3]}}, {"x": {"0": 1, "1": 2}}, None, [("x", Kind.CHANGED)]),
    ({"x": "\\x0102"}, {"x": {"type": "Buffer", "data": [1]}}, None, [("x", Kind.CHANGED)]),
    # --- arrays in text ------------------------------------------------------------------------------
    ({"a": "{a,b}"}, {"a": ["b", "a"]}, None, ["a"]),
    ({"a": "{}"}, {"a": [None]}, None, ["a"]),
    ({"a": "{NULL}"}, {"a": ["NULL"]}, None, ["a"]),
    ({"a": "{{1,2},{3,4}}"}, {"a": [[1, 2], [3, 5]]}, None, ["a"]),
    ({"a": "{a,b"}, {"a": ["a", "b"]}, None, ["a"]),
    ({"a": "beta,internal"}, {"a": ["beta"]}, None, [("a", Kind.CHANGED)]),  # a rule relates the kinds
    ({"a": "1,2"}, {"a": [1, 2]}, None, ["a"]),  # SET members are text
    ({"a": ""}, {"a": [""]}, None, ["a"]),
    ({"a": "2025-01-01T00:00:00Z"}, {"a": ["2025-01-01"]}, None, ["a"]),
    # --- wrappers: only the exact shapes -------------------------------------------------------------
    ({"v": {"String": "x", "Valid": "true"}}, {"v": "x"}, None, ["v"]),
    ({"v": {"String": "x", "Valid": True, "Extra": 1}}, {"v": "x"}, None, ["v"]),
    ({"v": {"Text": "x", "Valid": True}}, {"v": "x"}, None, ["v"]),
    ({"v": {"Int64": 31, "Valid": True}}, {"v": 32}, None, [("v", Kind.CHANGED)]),
    ({"v": {"$numberLong": "42"}}, {"v": 43}, None, [("v", Kind.CHANGED)]),
    ({"v": {"$numberLong": "4.2"}}, {"v": 4.2}, None, ["v"]),
    ({"v": {"$oid": "6740c0ffee00000000000001"}}, {"v": "6740c0ffee00000000000002"}, None, ["v"]),
    ({"v": {"$foo": "42"}}, {"v": "42"}, None, ["v"]),
    # --- JSON text -----------------------------------------------------------------------------------
    ({"j": "[1]"}, {"j": 1}, None, ["j"]),
    ({"j": '"a"'}, {"j": "a"}, {"types": {"k": "json"}}, ["j"]),  # declared on another field
    ({"j": '[{}, "x"]'}, {"j": [[], "x"]}, None, ["j"]),  # {} is [] only when declared json
    ({"j": '{"a": 1}'}, {"j": {"a": 2}}, None, ["j"]),
    ({"j": "[}"}, {"j": {}}, {"types": {"j": "json"}}, ["j"]),
    # integers beyond 64 bits in JSON text, exactly (orjson alone reads them as floats)
    ({"j": "[18446744073709551617]"}, {"j": [18446744073709551616]}, None, [("j", Kind.CHANGED)]),
    ({"j": '{"a": -9223372036854775809}'}, {"j": {"a": -9223372036854775808}}, None, [("j", Kind.CHANGED)]),
    ({"j": "[18446744073709551617]"}, {"j": ["18446744073709551616"]}, None, [("j", Kind.CHANGED)]),
    # --- the guards of the rules test_kinds.py widened --------------------------------------------------
    (
        {"id": {"$binary": {"base64": "VQ6EAOKbQdSnFkRmVUQAAA==", "subType": "04"}}},
        {"id": "550e8400-e29b-41d4-a716-446655440001"},
        None,
        [("id", Kind.CHANGED)],
    ),
    (  # subtype 3 (legacy UUID): its byte order depends on the driver, so it stays bytes
        {"id": {"$binary": {"base64": "VQ6EAOKbQdSnFkRmVUQAAA==", "subType": "03"}}},
        {"id": "550e8400-e29b-41d4-a716-446655440000"},
        None,
        ["id"],
    ),
    ({"b": ""}, {"b": {}}, None, ["b"]),  # {} is also the empty object: only against marked bytes
    ({"b": "\\x00"}, {"b": {}}, None, ["b"]),
    ({"t": "2000-01-01T14:15:00.000Z"}, {"t": "1970-01-01T14:15:01.000Z"}, None, ["t"]),
    ({"t": "2000-01-01T14:15:00.000Z"}, {"t": "1970-01-02T14:15:00.000Z"}, None, ["t"]),  # not a placeholder
    ({"t": "2000-01-01T14:15:00.000Z"}, {"t": "2000-01-02T14:15:00.000Z"}, None, ["t"]),
    ({"t": "14:15:00"}, {"t": "0000-01-02T14:15:00Z"}, None, ["t"]),
    ({"d": "PT-6H-3M"}, {"d": "-06:03:01"}, None, ["d"]),
    ({"d": "PT-6H-3M"}, {"d": "06:03:00"}, None, ["d"]),
    ({"d": "-PT-6H"}, {"d": "-06:00:00"}, None, ["d"]),  # minus twice is plus
    ({"t": "1900-01-01 00:00:00+00:19:32"}, {"t": "1899-12-31T23:40:29Z"}, None, ["t"]),
    # --- Jackson's java.time arrays: the smallest change of each part, and only the exact layouts -------
    ({"d": [2025, 3, 1]}, {"d": "2025-03-02"}, None, [("d", Kind.CHANGED)]),  # a day
    ({"d": [2025, 3, 1]}, {"d": "2025-03-01T00:00:01Z"}, None, ["d"]),
    ({"d": [2025, 3, 1]}, {"d": 1740787200001}, None, [("d", Kind.CHANGED)]),  # a millisecond
    ({"a": [2025, 6, 30, 22, 45, 10]}, {"a": "2025-06-30T22:45:11Z"}, None, ["a"]),  # a second
    ({"a": [2025, 6, 30, 22, 46]}, {"a": "2025-06-30T22:45:00Z"}, None, ["a"]),  # a minute
    ({"a": [2025, 6, 30, 23, 45]}, {"a": "2025-06-30T22:45:00Z"}, None, ["a"]),  # an hour
    (
        {"a": [2025, 6, 30, 22, 45, 10, 123000001]},
        {"a": "2025-06-30T22:45:10.123000000Z"},
        None,
        ["a"],
    ),  # 1 ns
    ({"a": [2025, 6, 30, 22, 45, 10, 1000]}, {"a": "2025-06-30T22:45:10.000002Z"}, None, ["a"]),  # 1 us
    ({"a": [2025, 6, 30, 22, 45, 10]}, {"a": "2025-06-30T22:45:10.5Z"}, None, ["a"]),  # left out is zero
    ({"a": [2025, 6, 30, 22, 45]}, {"a": "2025-06-30T22:45:00.001Z"}, None, ["a"]),
    ({"a": [2025, 6, 30, 22, 45, 10, 123]}, {"a": "2025-06-30T22:45:10.123Z"}, None, ["a"]),  # 123 ns, not ms
    ({"a": [2025, 6, 30, 22, 45, 0, 0]}, {"a": "2025-06-30T22:45:00.000001Z"}, None, ["a"]),  # ms mode, 1 us
    ({"a": [2025, 6, 30, 22, 45, 0]}, {"a": "2025-06-30T22:45:00Z"}, None, ["a"]),  # Jackson omits a 0 second
    ({"a": [2025, 6, 30, 22, 45, 10, 0]}, {"a": "2025-06-30T22:45:10Z"}, None, ["a"]),  # and a 0 nanosecond
    ({"a": [2025, 6, 31, 22, 45]}, {"a": "2025-07-01T22:45:00Z"}, None, ["a"]),  # no June 31st
    ({"a": [2025, 6, 30, 24, 0]}, {"a": "2025-07-01T00:00:00Z"}, None, ["a"]),
    ({"t": [14, 15]}, {"t": "14:15:00.5"}, None, ["t"]),
    ({"t": [14, 15, 10, 500000000]}, {"t": "14:15:10.4"}, None, ["t"]),
    ({"t": [14, 15, 0]}, {"t": "14:15:00"}, None, ["t"]),
    ({"t": [14, 15]}, {"t": "2025-06-30T14:15:00Z"}, None, ["t"]),  # not a placeholder date
    ({"t": [14, 15]}, {"t": 51300}, None, ["t"]),  # a time of day has no epoch
    ({"t": [14, 15]}, {"t": "00:14:15"}, None, ["t"]),
    ({"v": [1, 2, 3]}, {"v": "1-2-3"}, None, ["v"]),  # plain integers stay plain
    ({"v": [2025, 3, 1]}, {"v": "2025,3,1"}, None, ["v"]),
    ({"v": [2025, 3, 1]}, {"v": "1740787200"}, None, ["v"]),  # only against date or time text
    ({"v": [2025, 3, 1]}, {"v": [2025, 3, 2]}, None, ["v"]),
    ({"v": [2025, 3, 1.0]}, {"v": "2025-03-01"}, None, ["v"]),
    ({"v": [True, 3, 1]}, {"v": "0001-03-01"}, None, ["v"]),
    # --- a clock without seconds is that minute exactly ---------------------------------------------
    ({"t": "14:15"}, {"t": "14:15:00.5"}, None, ["t"]),
    ({"t": "14:15"}, {"t": "14:15:01"}, None, ["t"]),
    ({"t": "14:15"}, {"t": "14:16:00"}, None, ["t"]),
    ({"t": "14:15"}, {"t": "1970-01-01T14:15:00.001Z"}, None, ["t"]),
    ({"t": "14:15"}, {"t": "1970-01-02T14:15:00Z"}, None, ["t"]),
    ({"t": "14:15+02:00"}, {"t": "14:15:00"}, None, ["t"]),
    ({"t": "24:00"}, {"t": "00:00:00"}, None, ["t"]),
    ({"t": "14:60"}, {"t": "15:00:00"}, None, ["t"]),
    ({"at": "2025-06-30T22:45"}, {"at": "2025-06-30T22:45:00.5Z"}, None, ["at"]),
    ({"at": "2025-06-30T22:45"}, {"at": "2025-06-30T22:45:01Z"}, None, ["at"]),
    # --- IEEE specials: the sign, and NaN only against NaN ------------------------------------------
    ({"x": "Infinity"}, {"x": {"$numberDouble": "-Infinity"}}, None, ["x"]),
    ({"x": "-Infinity"}, {"x": {"$numberDouble": "Infinity"}}, None, ["x"]),
    ({"x": "NaN"}, {"x": {"$numberDouble": "Infinity"}}, None, ["x"]),
    ({"x": "NaN"}, {"x": {"$numberDouble": "0"}}, None, ["x"]),
    ({"x": "Infinity"}, {"x": {"$numberDouble": "1.7976931348623157e308"}}, None, ["x"]),
    ({"x": {"$numberDouble": "NaN"}}, {"x": 0.0}, None, ["x"]),
    ({"x": {"$numberDouble": "NaN"}}, {"x": {"$numberDouble": "Infinity"}}, None, ["x"]),
    # --- PostgreSQL money: a cent, the sign, and only the exact C/en_US print ----------------------------
    ({"m": "$1,234.50"}, {"m": 1234.51}, None, [("m", Kind.CHANGED)]),
    ({"m": "$1,234.50"}, {"m": "1234.49"}, None, [("m", Kind.CHANGED)]),
    ({"m": "-$1,234.50"}, {"m": 1234.5}, None, [("m", Kind.CHANGED)]),
    ({"m": "$1,234.50"}, {"m": 12345}, None, ["m"]),
    ({"m": "$1,234.50"}, {"m": "$1,234.51"}, None, ["m"]),
    ({"m": "$1234.50"}, {"m": 1234.5}, None, ["m"]),  # cash_out always groups
    ({"m": "$1,23.50"}, {"m": 123.5}, None, ["m"]),
    ({"m": "1,234.50"}, {"m": 1234.5}, None, ["m"]),
    ({"m": "$ 1,234.50"}, {"m": 1234.5}, None, ["m"]),
    ({"m": "($1,234.50)"}, {"m": -1234.5}, None, ["m"]),  # an accounting print: another locale's
    ({"m": "$1.234,50"}, {"m": 1234.5}, None, ["m"]),
    ({"m": "1.234,50 €"}, {"m": 1234.5}, None, ["m"]),
    ({"m": "$1,234.5"}, {"m": 1234.5}, None, ["m"]),
    ({"m": "$01.00"}, {"m": 1}, None, ["m"]),
    ({"m": "-$0.00"}, {"m": 0}, None, ["m"]),  # cash_out prints no negative zero
]


@pytest.mark.parametrize(("legacy", "orm", "spec", "expected"), DIFFER)
def test_real_differences_stay_differences_at_the_legacy_field(
    legacy: Any, orm: Any, spec: dict[str, Any] | None, expected: list[Any]
) -> None:
    result = compare(legacy, orm, Spec.from_dict(spec))
    assert not result.equal
    if expected and isinstance(expected[0], tuple):
        assert [(d.field, d.kind) for d in result.differences] == expected
    else:
        assert list(result.fields) == expected


def test_a_rule_that_fails_at_one_field_still_names_the_others() -> None:
    result = compare(
        [{"id": 1, "ok": 1, "at": 1735689600000, "n": 2}],
        [{"id": 1, "ok": True, "at": "2025-01-01T00:00:00.000Z", "n": True}],
    )
    assert [(d.field, d.kind) for d in result.differences] == [("n", Kind.TYPE)]
    assert result.normalized_wire() == {"boolean": ["ok"], "epoch": ["at"]}


def test_key_values_of_another_spelling_address_the_same_row() -> None:
    legacy = [{"_id": {"$oid": "6740c0ffee0000000000000a"}, "n": 1}]
    orm = [{"id": "6740c0ffee0000000000000a", "n": 2}]
    result = compare(legacy, orm, Spec.from_dict({"key": "_id"}))
    assert [(d.field, d.kind) for d in result.differences] == [("n", Kind.CHANGED)]


def test_nested_ordered_paths_leave_other_arrays_unordered() -> None:
    legacy = [{"id": 1, "steps": [{"id": 2}, {"id": 4}], "tags": [{"id": 9}, {"id": 8}]}]
    orm = [{"id": 1, "steps": [{"id": 2}, {"id": 4}], "tags": [{"id": 8}, {"id": 9}]}]
    assert compare(legacy, orm, Spec.from_dict({"ordered": ["steps"]})).equal
    deeper = Spec.from_dict({"ordered": ["orders.items"]})
    moved = compare(
        {"orders": [{"id": 1, "items": [{"id": 1}, {"id": 2}]}]},
        {"orders": [{"id": 1, "items": [{"id": 2}, {"id": 1}]}]},
        deeper,
    )
    assert [(d.field, d.kind) for d in moved.differences] == [("orders", Kind.ORDER)]


def test_spec_warnings_name_options_that_matched_nothing() -> None:
    spec = Spec.from_dict(
        {
            "key": "uid",
            "ignore": ["nope", "settings.token"],
            "rename": {"writer": "author.name", "gone": "x"},
            "types": {"missing": "json"},
            "ordered": ["", "lines"],
        }
    )
    result = compare([{"id": 1, "settings": {"theme": 1}}], [{"id": 1, "settings": {"theme": 1}}], spec)
    assert result.equal
    assert [w.option for w in result.warnings] == [
        "key",
        "ignore",
        "ignore",
        "rename",
        "rename",
        "types",
        "ordered",
    ]
    applied = Spec.from_dict({"ignore": ["theme"], "rename": {"id": "ident"}})
    assert compare([{"id": 1, "theme": 1}], [{"ident": 1, "theme": 2}], applied).warnings == ()
