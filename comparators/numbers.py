"""Numbers: numeric text against JSON numbers, the float tolerance, and float32 widened to a double.

Reference functions: :func:`number_of_text`, :func:`numbers_equal`, :func:`float32_equal` (with
:func:`six_digit_print`), and :func:`number_rules`, which combines them for two numbers.
Accelerators (column checks, each only able to say "every pair of this column is equal"):
:func:`bigint_text_column`, :func:`decimal_text_column`, :func:`float32_column`; and
:func:`float32_quick` for two floats. ``tests/comparators/test_families.py`` checks each accelerator
against the reference, and the reference against the rule stated from first principles.
"""

from __future__ import annotations

import math
import re
import struct
from array import array
from decimal import Decimal
from operator import and_, eq, ne, or_
from typing import Any, Final

import orjson

from comparators.rules import FLOAT32, NO, NUMBER

Number = int | float | Decimal

_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*+)\.[0-9]++")
_EXPONENT = re.compile(r"-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?[eE][+-]?[0-9]{1,4}")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?(?:[eE][+-]?[0-9]{1,4})?")
_NUMBER_CHARS: Final = str.maketrans("", "", "0123456789.-")
_F32_MIN_NORMAL: Final = 1.1754943508222875e-38
_F32: Final = struct.Struct("<f")
"""Standard size: packing a double beyond float32's range raises OverflowError (native ``"f"`` is a C
cast, which gives inf there, or anything: C leaves it undefined)."""
_SHORT_FLOATS = re.compile(rb"\[(?:[^,]{1,6},)*+[^,]{1,6}\]")
"""A JSON array whose every number is written in six characters or fewer."""
_SIX_DIGITS: Final = "{:.6g}".format
_FIVE_DIGITS: Final = "{:.5g}".format


def number_of_text(text: str) -> int | Decimal | None:
    """The number a string holds, read exactly, or None when it is text.

    Plain decimal form ``-?(0|[1-9][0-9]*)(\\.[0-9]+)?`` (``"42"`` -> 42, ``"12.50"`` ->
    Decimal("12.50")), or exponent form as decimal types print it (``"1E+4"``, ``"0E-8"``,
    ``"2.5E+3"``; at most four exponent digits). ``"01234"``, ``"+1"``, ``" 1"``, ``".5"`` and ``"1."``
    are not numbers: leading zeros, signs and spaces are text (``"01234"`` != ``"1234"``).
    """
    if text.isdigit():
        if text.isascii() and (text[0] != "0" or len(text) == 1):
            return int(text)
        return None
    if text[:1] == "-" and text[1:].isdigit():
        body = text[1:]
        if body.isascii() and (body[0] != "0" or len(body) == 1):
            return int(text)
        return None
    if _DECIMAL.fullmatch(text) or _EXPONENT.fullmatch(text):
        return Decimal(text)
    return None


def float_of_text(text: str) -> float | None:
    """The float nearest to a string :func:`number_of_text` reads, or None.
    Only used against a JSON float, where the comparison is within a tolerance anyway."""
    if _NUMBER.fullmatch(text) is None:
        return None
    return float(text)


_SPECIAL_DOUBLES: Final = {"Infinity": math.inf, "-Infinity": -math.inf}


def special_double_equal(text: str, number: float) -> bool:
    """Text naming a double that is no number against that double: ``Infinity``/``-Infinity`` against
    the infinity of that sign, ``NaN`` against NaN (only NaN: it equals no number, and no number it).

    The spellings, exactly (letter case included): PostgreSQL's output for ``float8``/``float4`` and
    (since 14) ``numeric`` (``float8out``: "Infinity", "-Infinity", "NaN", which text-mode drivers pass
    through), MongoDB Extended JSON's ``$numberDouble`` strings (the same three, read by
    :func:`comparators.wrappers.unwrap` to the double), Java's ``Double.toString`` and JavaScript's
    ``String(x)``. A JSON document holds no such double itself, so the other side is always an
    unwrapped ``$numberDouble``. Not read: Python's ``inf``/``nan`` and C's ``inf`` spellings."""
    if text == "NaN":
        return number != number  # (NaN is the one value not equal to itself)
    special = _SPECIAL_DOUBLES.get(text)
    return special is not None and number == special


_MONEY = re.compile(r"(-?)\$(0|[1-9][0-9]{0,2}(?:,[0-9]{3})*+)\.([0-9]{2})")


def money_of_text(text: str) -> Decimal | None:
    """The amount of PostgreSQL ``money`` text as it prints under ``lc_monetary`` ``C``/``POSIX`` or
    ``en_US`` (``$1,234.50``, ``-$1,234.50``, ``$0.00``), read exactly; None for any other text.

    Source: ``cash_out`` (``src/backend/utils/adt/cash.c``) takes the symbols from the session's
    ``lc_monetary``, and where the locale defines none (``C``, ``POSIX``) falls back to ``$``, ``,``
    grouping every 3 digits, ``.`` and 2 fraction digits, with ``-`` before the currency symbol for a
    negative amount; glibc's ``en_US`` defines the same symbols and order. Checked here against
    PostgreSQL 15 (``lc_monetary = C``): ``$1,234.50``, ``-$1,234.50``, ``$0.00``, ``-$0.01``,
    ``$92,233,720,368,547,758.07``; asyncpg and psycopg 3 return that text as is, node-postgres
    leaves the type as text. Only that exact print: the symbol first, groups of three, two fraction
    digits, no space, no leading zeros; another locale's print (``1.234,50 €``, ``R$ 1.234,50``, an
    accounting ``($1,234.50)``) stays text, so a print is never read under a locale it was not made in.
    """
    match = _MONEY.fullmatch(text)
    if match is None:
        return None
    sign, units, cents = match.groups()
    if sign and units == "0" and cents == "00":
        return None  # (cash_out never prints a negative zero)
    return Decimal(f"{sign}{units.replace(',', '')}.{cents}")


def looks_like_money(text: str) -> bool:
    """Cheap pre-check: ``$...`` or ``-$...``."""
    return text[:1] == "$" or text[:2] == "-$"


def money_rules(text: str, other: Any, tolerance: float) -> int:
    """Money text against a number, numeric text or other money text: the amounts by the number rule
    (exact against integers and decimals, within ``tolerance`` against a JSON float)."""
    amount = money_of_text(text)
    if amount is None:
        return NO
    if type(other) is str:
        value: Any = number_of_text(other)
        if value is None:
            value = money_of_text(other)
    elif type(other) in (int, float, Decimal):
        value = other
    else:
        return NO
    return NUMBER if value is not None and numbers_equal(amount, value, tolerance) else NO


def numbers_equal(a: Number, b: Number, tolerance: float) -> bool:
    """Integers and decimals compare exactly at any size (never through a float):
    9007199254740993 != 9007199254740992 and Decimal("12.50") == Decimal("12.5") == 12.5.
    When either side is a float (a JSON number with a fraction or exponent), the two are equal when
    within ``tolerance`` relative to the larger magnitude: Decimal("13.750") == 13.750000000000002."""
    if type(a) is float or type(b) is float:
        try:
            fa, fb = float(a), float(b)
        except OverflowError:
            return False
        return fa == fb or math.isclose(fa, fb, rel_tol=tolerance, abs_tol=0.0)
    return a == b


def to_float32(value: float) -> float | None:
    """The float32 nearest to ``value``, widened back to a double; None beyond float32's range."""
    try:
        narrowed: float = _F32.unpack(_F32.pack(value))[0]
    except (OverflowError, struct.error):
        return None
    return narrowed


def shortest_float32_text(value: float) -> str | None:
    """The shortest decimal that reads back as the float32 ``value`` (nearest of that length)."""
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if to_float32(float(text)) == value:
            return text
    return None


def six_digit_print(value: float) -> str | None:
    """The decimal MariaDB's text protocol sends for the float32 ``value``, when it needs all six
    significant digits (``0.12345670163631439`` -> ``"0.123457"``, ``16777216.0`` -> ``"1.67772e+07"``),
    else None (``0.7000000476837158`` prints ``"0.7"``,
    ``123450.25`` prints ``"123450"``: five digits once trailing zeros go).

    Source: MariaDB sends a ``FLOAT`` column's value as text from ``Field_float::val_str``, which calls
    ``my_gcvt(nr, MY_GCVT_ARG_FLOAT, ...)`` (``sql/field.cc``); ``my_gcvt`` (``strings/dtoa.c``, the
    same in MySQL's ``strings/dtoa.cc``) asks David Gay's ``dtoa`` for at most ``FLT_DIG`` = 6
    significant digits of the float widened to a double, correctly rounded (ties to even), and writes
    no trailing zeros. Python formats floats with the same ``dtoa``, so ``format(value, ".6g")`` has
    the same digits; only the layout may differ (MariaDB writes ``3.40282e38`` and ``16777200``), and
    values are compared, not layouts. The KB page for ``FLOAT`` shows it: pi is selected as
    ``3.14159``, 1234567890 as ``1234570000`` (https://mariadb.com/kb/en/float). Clients of the text
    protocol (mysql2's ``query()``, PHP's mysqli, Python's MySQLdb) read this text; the binary
    protocol and Prisma send the float32 itself."""
    text = f"{value:.6g}"
    digits = text.partition("e")[0].lstrip("-").replace(".", "").strip("0")
    return text if len(digits) == 6 else None


def float32_equal(a: Number, b: Number) -> bool:
    """MySQL ``FLOAT`` / PostgreSQL ``real`` (SPEC section 2's float32 rule): one side is exactly a
    float32 value (a JSON float, the float32 widened to a double; finite, zero or normal) and the other
    is either the shortest decimal that reads back as that same float32 (SPEC: ``0.7`` ==
    ``0.699999988079071``, ``0.5`` != ``0.50000001``) or the float32's :func:`six_digit_print`, when
    that print has all six significant digits (MariaDB's text protocol: ``0.123457`` ==
    ``0.12345670163631439``, ``3.40282e38`` == ``3.4028234663852886e38``). Never for integers.

    Why six digits exactly: a shorter print (``0.7``) is also the shortest decimal of one float32 (any
    decimal of six digits or fewer reads back as a float32 whose shortest decimal it is), and SPEC reads
    it as that float32 alone: ``0.7`` != ``0.7000000476837158``, the next float32, although MariaDB
    prints both as ``0.7``. Six digits against a float32 that needs seven or more is the rounding only
    this print does, and the widened side must be exactly a float32 value (a double computed elsewhere
    almost never is), so an accidental match stays implausible: ``0.123457`` != ``0.1234567`` (a
    DOUBLE, not a float32 value) and ``0.123456`` != ``0.12345670163631439`` (not its rounding). The
    doubles that are float32 values by nature (integers and short binary fractions below 2**24) never
    take the print (:func:`_may_be_printed`): ``12345.8`` != ``12345.75``."""
    if type(a) is int or type(b) is int:
        return False
    if type(a) is float and type(b) is float:
        quick = float32_quick(b, a)
        if quick is None:
            quick = float32_quick(a, b)
        if quick is not None:
            return quick
    return _widened_against_short(a, b) or _widened_against_short(b, a)


def float32_quick(wide: float, short: float) -> bool | None:
    """:func:`float32_equal` for two floats by arithmetic alone, or None (the caller asks the
    reference): ``wide`` is a float32 value when its mantissa fits 24 bits (``frexp``) and it is a
    normal float32; ``short`` rounds to it when closer than half a float32 step (the difference of two
    doubles this close is exact); and it is the shortest decimal when its repr has six characters or
    fewer. A gap beyond 1e-5 of the value is no six-digit print either (a print is at most half a unit
    of its sixth digit, 5e-6 of the value, away), nor a decimal of the other orientation: False. A gap
    between the two, a power of two (a step that halves below it), a tie and zero are left to the
    reference."""
    mantissa, exponent = math.frexp(wide)
    if not -125 <= exponent <= 128 or mantissa == 0.5 or mantissa == -0.5 or mantissa == 0.0:
        return None
    if not (mantissa * 16777216.0).is_integer():
        return None  # not a float32 value: the other orientation may hold
    half_step = math.ldexp(1.0, exponent - 25)
    gap = abs(short - wide)
    if gap > half_step:
        return False if gap > abs(wide) * 1e-5 else None
    if gap == half_step or len(repr(short)) > 6:
        return None
    return True


def _widened_against_short(wide: Number, short: Number) -> bool:
    """``wide`` the float32 value, ``short`` its shortest decimal or its six-digit print."""
    if type(wide) is not float or not math.isfinite(wide):
        return False
    narrowed = to_float32(float(short))  # (short is a float or a Decimal: float() gives inf, never raises)
    if narrowed != wide and to_float32(wide) != wide:
        return False  # wide is not a float32 value
    if wide != 0.0 and abs(wide) < _F32_MIN_NORMAL:  # subnormal: too few bits to be implausible
        return False
    if narrowed == wide and _is_shortest(wide, short):
        return True
    printed = six_digit_print(wide)
    if printed is None or not _may_be_printed(wide):
        return False
    if type(short) is float:
        return float(printed) == short
    return Decimal(printed) == short


def _is_shortest(wide: float, short: Number) -> bool:
    """Whether ``short``, which reads back as the float32 ``wide``, is its shortest decimal."""
    if wide == 0.0:
        return short == 0  # "0"; 1e-46 reads back as zero too (it underflows), but is not its decimal
    if type(short) is float and len(repr(short)) <= 6:
        return True  # six digits or fewer: no other decimal that short reads as this float32
    shortest = shortest_float32_text(wide)
    if shortest is None:
        return False
    # (every operand is finite: shortest is a finite float's %g, short reads back as the finite wide)
    return Decimal(shortest) == (Decimal(repr(short)) if type(short) is float else Decimal(short))


def number_rules(a: Number, b: Number, tolerance: float) -> int:
    """Two numbers (int, float or exact decimal read from text) that are not ``==``: the verdict."""
    if numbers_equal(a, b, tolerance):
        return NUMBER
    if float32_equal(a, b):
        return FLOAT32
    return NO


# --- accelerators: whole columns ----------------------------------------------------------------------


def bigint_text_column(texts: tuple[Any, ...], ints: tuple[Any, ...]) -> int:
    """bigint as text against JSON integers: the one canonical spelling of each, as orjson writes it."""
    if set(map(type, ints)) != {int}:
        return NO
    try:
        dumped = orjson.dumps(ints).decode()
    except orjson.JSONEncodeError:  # integers beyond 64 bits
        return NO
    return NUMBER if dumped == "[" + ",".join(texts) + "]" else NO


def decimal_text_column(texts: tuple[Any, ...], floats: tuple[Any, ...]) -> int:
    """numeric as text against JSON floats: every text a canonical decimal whose nearest float is its
    partner. Texts of nothing but digits, ``.`` and ``-`` that parse as one JSON array, one number
    each, are exactly the plain decimals; orjson reads them to the nearest float at C speed."""
    if set(map(type, floats)) != {float}:
        return NO
    joined = ",".join(texts)
    if joined.translate(_NUMBER_CHARS) != "," * (len(texts) - 1):
        return NO
    try:
        numbers = orjson.loads("[" + joined + "]")
    except orjson.JSONDecodeError:
        return NO
    return NUMBER if tuple(numbers) == floats else NO


def float32_column(left: tuple[Any, ...], right: tuple[Any, ...]) -> int:
    """float32 columns: one side short decimals (at most six characters as orjson writes them, the
    shortest repr: so at most six significant digits, and no other decimal that short reads as the
    same float32), the other their float32 values widened to doubles, converted at C speed by
    ``array('f')``; no value subnormal or infinite. Failing that, a column read over MariaDB's text
    protocol (:func:`six_digit_print`): :func:`_printed_column`."""
    if set(map(type, left)) != {float} or set(map(type, right)) != {float}:
        return NO
    for short, wide in ((left, right), (right, left)):
        if _SHORT_FLOATS.fullmatch(orjson.dumps(short)) is None:
            continue
        narrowed = array("f", short).tolist()
        if narrowed != list(wide):
            continue
        magnitudes = tuple(map(abs, narrowed))
        if max(magnitudes) == math.inf:
            continue
        smallest = min(magnitudes)
        if smallest >= _F32_MIN_NORMAL or (
            smallest == 0.0 and all(map(_float32_normal, narrowed)) and all(map(_float32_normal, short))
        ):  # (a short side that underflows to zero, 5e-324, is not zero's decimal)
            return FLOAT32
    if _printed_column(left, right) or _printed_column(right, left):
        return FLOAT32
    return NO


def _printed_column(short: tuple[float, ...], wide: tuple[float, ...]) -> bool:
    """Every ``short`` is the ``%.6g`` print of its ``wide``, a float32 value (zero or normal, finite),
    and is either its six-digit print or reads back as that float32 (then, six digits or fewer, it is
    its shortest decimal). A print has all six digits exactly when rounding to five digits gives
    another number. Each step is one ``map`` or ``array('f')`` over the column; a column of doubles
    that are not float32 values fails at the first."""
    values = list(wide)
    if array("f", wide).tolist() != values:
        return False
    magnitudes = tuple(map(abs, values))
    if max(magnitudes) == math.inf:
        return False
    smallest = min(magnitudes)
    if smallest < _F32_MIN_NORMAL and not (smallest == 0.0 and all(map(_float32_normal, values))):
        return False
    printed = list(map(float, map(_SIX_DIGITS, values)))
    if printed != list(short):
        return False
    reads_back = list(map(eq, array("f", short).tolist(), values))
    if all(reads_back):
        return True
    six_digits = map(ne, map(float, map(_FIVE_DIGITS, values)), printed)
    six_digits = map(and_, six_digits, map(_may_be_printed, values))
    return all(map(or_, six_digits, reads_back))


def _may_be_printed(value: float) -> bool:
    """Whether a six-digit print of the float32 ``value`` may stand for it. Not below 2**24 when the
    value has at most four binary fraction digits (an integer, a half, a quarter, ... a sixteenth):
    a DOUBLE column or a computation holds such a value exactly too, and there its six-digit rounding
    is a real difference (``12345.8`` != ``12345.75``, ``10022400.0`` != ``10022401.0``: a rounding or
    off-by-one bug looks the same). A float32 read from a FLOAT column that held a decimal fills its
    fraction digits; past 2**24 every float32 is an integer and a double from elsewhere is rarely one."""
    return abs(value) >= 16777216.0 or not (value * 16.0).is_integer()


def _float32_normal(value: float) -> bool:
    return value == 0.0 or (math.isfinite(value) and abs(value) >= _F32_MIN_NORMAL)
