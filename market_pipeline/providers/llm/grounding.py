"""Find numbers a summary states that its request did not give.

Rules, in the order they are applied:

- Dates (`2025-12-22`, `December 22, 2025`, `22 Dec 2025`, `Dec 22`) are grounded when they
  equal the as-of date or a date found in the metrics or sources (date values or ISO strings).
- A bare year (1900-2100) is grounded when it is the year of one of those dates.
- Any other number is grounded when it matches a given value after rounding to the precision
  it is stated with: `271.2` matches 271.234 (within 0.05), `3%` matches 0.0321 (as 3.21)
  and 3.2; a suffix scales it (`$1.2B`, `3.4 million`, `850K`). A number stated with a sign
  must match the value's sign; one without a sign matches either ("fell 3.2%" for -0.032).
- Given values are the numeric metric and source values (nested lists and dicts included),
  the numbers inside their string values (`"S&P 500"`), and the numbers inside metric names
  (`sma_50` grounds "50-day").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from market_pipeline.providers.llm.schema import SummaryRequest, WrittenSummary

MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
YEAR = r"(?P<year>\d{4})"
DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"),
    re.compile(rf"\b{MONTH}\s+{DAY},?\s+{YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{DAY}\s+{MONTH},?\s+{YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{MONTH}\s+{DAY}\b(?!,?\s*\d)", re.IGNORECASE),
]
NUMBER_PATTERN = re.compile(
    r"""
    (?<![\w.])
    (?P<sign>[-+\u2212])?
    (?P<currency>[$\u20ac\u00a3])?
    (?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    (?P<suffix>
        \s?%
      | \s?(?:percent|per\s?cent)\b
      | (?:[kKmMbBtT]|bn|mn)\b
      | \s(?:thousand|million|billion|trillion)\b
    )?
    """,
    re.VERBOSE,
)
SCALES = {
    "k": Decimal("1e3"),
    "thousand": Decimal("1e3"),
    "m": Decimal("1e6"),
    "mn": Decimal("1e6"),
    "million": Decimal("1e6"),
    "b": Decimal("1e9"),
    "bn": Decimal("1e9"),
    "billion": Decimal("1e9"),
    "t": Decimal("1e12"),
    "trillion": Decimal("1e12"),
}
HUNDRED = Decimal(100)
YEAR_RANGE = range(1900, 2101)


@dataclass(frozen=True)
class StatedNumber:
    """One number as the text states it."""

    text: str
    value: Decimal  # as written, sign included, before any suffix scaling
    signed: bool
    percent: bool
    scale: Decimal
    tolerance: Decimal  # half a unit of the last stated digit
    plain_integer: bool


def find_ungrounded_numbers(
    text: str,
    metrics: Mapping[str, Any],
    sources: Mapping[str, Any] | None = None,
    *,
    as_of: date | None = None,
) -> list[str]:
    """Return the numbers and dates in `text` that match no given value, as written."""
    given_numbers = list(given_values(metrics, sources))
    allowed_dates = set(given_dates(metrics, sources))
    if as_of is not None:
        allowed_dates.add(as_of)
    allowed_years = {day.year for day in allowed_dates}

    ungrounded: list[str] = []
    remaining = text
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(remaining):
            if not date_is_allowed(match, allowed_dates):
                ungrounded.append(match.group(0))
        remaining = pattern.sub(" ", remaining)

    for stated in stated_numbers(remaining):
        year = int(stated.value)
        if stated.plain_integer and year in YEAR_RANGE and year in allowed_years:
            continue
        if not any(matches(stated, value) for value in given_numbers):
            ungrounded.append(stated.text)
    return list(dict.fromkeys(ungrounded))


def stated_numbers(text: str) -> Iterator[StatedNumber]:
    """Yield every number in `text` with its stated precision and unit."""
    for match in NUMBER_PATTERN.finditer(text):
        digits = match["digits"].replace(",", "")
        suffix = (match["suffix"] or "").strip().lower()
        sign = match["sign"]
        value = Decimal(digits)
        if sign in ("-", "\u2212"):
            value = -value
        decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
        percent = suffix.startswith("%") or suffix.startswith("per")
        yield StatedNumber(
            text=match.group(0).strip(),
            value=value,
            signed=sign is not None,
            percent=percent,
            scale=Decimal(1) if percent else SCALES.get(suffix, Decimal(1)),
            tolerance=Decimal(5) * Decimal(10) ** -(decimals + 1),
            plain_integer=decimals == 0 and not suffix and not sign and "," not in match["digits"],
        )


def matches(stated: StatedNumber, value: Decimal) -> bool:
    """Tell whether `stated` is `value` rounded to the stated precision (and unit)."""
    candidates = [value]
    if stated.percent:
        candidates.append(value * HUNDRED)
    for candidate in candidates:
        if stated.signed:
            difference = abs(stated.value * stated.scale - candidate)
        else:
            difference = abs(abs(stated.value) * stated.scale - abs(candidate))
        # the 1e-9 relative slack absorbs binary rounding of float metrics
        if difference <= stated.tolerance * stated.scale + abs(candidate) * Decimal("1e-9"):
            return True
    return False


def date_is_allowed(match: re.Match[str], allowed: set[date]) -> bool:
    month_text = match["month"]
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower().rstrip(".")]
    day = int(match["day"])
    year_text = match.groupdict().get("year")
    if year_text is None:
        return any((item.month, item.day) == (month, day) for item in allowed)
    try:
        return date(int(year_text), month, day) in allowed
    except ValueError:
        return False


def given_values(
    metrics: Mapping[str, Any], sources: Mapping[str, Any] | None
) -> Iterator[Decimal]:
    """Yield every number the request gives: values, numbers in strings and in metric names."""
    for name in metrics:
        yield from numbers_in_string(str(name).replace("_", " "))
    yield from numbers_in(metrics.values())
    if sources:
        yield from numbers_in(sources.values())


def numbers_in(values: Iterable[Any]) -> Iterator[Decimal]:
    for value in values:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | Decimal):
            yield Decimal(value)
        elif isinstance(value, float):
            try:
                yield Decimal(repr(value))
            except InvalidOperation:
                continue
        elif isinstance(value, str):
            yield from numbers_in_string(value)
        elif isinstance(value, Mapping):
            yield from numbers_in(value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            yield from numbers_in(value)


def numbers_in_string(text: str) -> Iterator[Decimal]:
    for stated in stated_numbers(text):
        yield stated.value * stated.scale
        if stated.signed:
            yield abs(stated.value) * stated.scale


def given_dates(metrics: Mapping[str, Any], sources: Mapping[str, Any] | None) -> Iterator[date]:
    """Yield the dates among the values (date objects and ISO date strings)."""
    pending: list[Any] = [*metrics.values(), *(sources or {}).values()]
    while pending:
        value = pending.pop()
        if isinstance(value, datetime):
            yield value.date()
        elif isinstance(value, date):
            yield value
        elif isinstance(value, str):
            for match in DATE_PATTERNS[0].finditer(value):
                try:
                    yield date(int(match["year"]), int(match["month"]), int(match["day"]))
                except ValueError:
                    continue
        elif isinstance(value, Mapping):
            pending.extend(value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            pending.extend(value)


def ungrounded_in_summary(summary: WrittenSummary, request: SummaryRequest) -> list[str]:
    """Check a WrittenSummary (text and highlights) against the SummaryRequest it was written for.

    The request's subject counts as a source, so "S&P 500" as a subject grounds 500.
    """
    text = "\n".join([summary.summary, *summary.highlights])
    sources = {**(request.sources or {}), "subject": request.subject}
    return find_ungrounded_numbers(text, request.metrics, sources, as_of=request.as_of)
