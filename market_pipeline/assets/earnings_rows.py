"""Pure steps of the earnings asset: fiscal labels, results documents, merging with stored rows.

`results` holds `eps` and `revenue`, each with `estimate`, `actual`, `surprise` (actual minus
estimate) and `surprise_percent` (surprise over |estimate|, in percent: 2.05 means 2.05 %),
plus `status` (`reported` or `upcoming`), `timing` (`before_open`, `after_close` or null),
`date_is_estimate`, `period_end`, `provider_period` (Yahoo's calendar-quarter label) and
`currency`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from market_pipeline.assets.fundamentals import json_number
from market_pipeline.assets.periods import FiscalPeriodError, calendar_quarter_end, quarter_period
from market_pipeline.providers.yahoo.records import EarningsEvent

HUNDRED = Decimal(100)
MEASURES = ("eps", "revenue")


def fiscal_period_label(event: EarningsEvent, year_end_month: int) -> str:
    """Return the company's fiscal quarter label of an event (`Q1 2025` for Apple's Dec 2024).

    Yahoo labels quarters by the calendar quarter of their end, so an event without a period
    end is placed at the end of that calendar quarter.
    """
    period_end = event.period_end or calendar_quarter_end(event.fiscal_period)
    return quarter_period(period_end, year_end_month).label


def _surprise(actual: Any, estimate: Any) -> tuple[float | None, float | None]:
    if actual is None or estimate is None:
        return None, None
    difference = Decimal(str(actual)) - Decimal(str(estimate))
    if estimate == 0:
        return json_number(difference), None
    percent = difference / abs(Decimal(str(estimate))) * HUNDRED
    return json_number(difference), round(float(percent), 4)


def measure(
    estimate: Decimal | None,
    actual: Decimal | None,
    surprise: Decimal | None = None,
    surprise_fraction: Decimal | None = None,
) -> dict[str, Any]:
    """Return one measure's document; the provider's surprise wins over the computed one."""
    computed, computed_percent = _surprise(json_number(actual), json_number(estimate))
    return {
        "estimate": json_number(estimate),
        "actual": json_number(actual),
        "surprise": json_number(surprise) if surprise is not None else computed,
        "surprise_percent": (
            round(float(surprise_fraction * HUNDRED), 4)
            if surprise_fraction is not None
            else computed_percent
        ),
    }


def results_document(event: EarningsEvent) -> dict[str, Any]:
    """Return the `results` document of one provider event."""
    reported = event.eps_actual is not None or event.revenue_actual is not None
    return {
        "status": "reported" if reported else "upcoming",
        "timing": event.timing,
        "date_is_estimate": event.date_is_estimate,
        "period_end": event.period_end.isoformat() if event.period_end else None,
        "provider_period": event.fiscal_period,
        "currency": event.currency,
        "eps": measure(
            event.eps_estimate, event.eps_actual, event.eps_surprise, event.eps_surprise_percent
        ),
        "revenue": measure(event.revenue_estimate, event.revenue_actual),
    }


def merge_results(stored: Mapping[str, Any], fresh: Mapping[str, Any]) -> dict[str, Any]:
    """Return `fresh` with its missing (null) values taken from `stored`.

    An upcoming event keeps its estimates when the provider later reports it without them,
    and surprises are recomputed from the merged values when the provider gave none.
    """
    merged: dict[str, Any] = dict(stored)
    for key, value in fresh.items():
        if key in MEASURES:
            continue
        if value is not None:
            merged[key] = value
    for name in MEASURES:
        old = dict(stored.get(name) or {})
        new = dict(fresh.get(name) or {})
        values = {
            key: new.get(key) if new.get(key) is not None else old.get(key)
            for key in ("estimate", "actual")
        }
        computed, computed_percent = _surprise(values["actual"], values["estimate"])
        provider_gave = new.get("surprise") is not None
        values["surprise"] = new["surprise"] if provider_gave else computed
        values["surprise_percent"] = (
            new.get("surprise_percent") if provider_gave else computed_percent
        )
        merged[name] = values
    reported = any((merged.get(name) or {}).get("actual") is not None for name in MEASURES)
    merged["status"] = "reported" if reported else "upcoming"
    return merged


@dataclass(frozen=True)
class StoredEvent:
    """The columns of a stored event that a fresh provider record may lack."""

    scheduled_for: Any
    report_date: Any
    results: dict[str, Any]


@dataclass
class EarningsBuild:
    """Rows to write and the events left out, labelled `SYMBOL label: reason`."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def earnings_rows(
    symbol: str,
    instrument_id: uuid.UUID,
    source_id: uuid.UUID,
    events: Sequence[EarningsEvent],
    year_end_month: int | None,
    stored: Mapping[str, StoredEvent],
) -> EarningsBuild:
    """Return one `earnings_event` row per fiscal period of one company.

    `stored` maps fiscal period labels to the rows already in the table; their report date,
    schedule and estimates are kept where the fresh record has none.
    """
    build = EarningsBuild()
    if year_end_month is None:
        build.left_out.extend(
            f"{symbol} {event.fiscal_period}: fiscal year end unknown" for event in events
        )
        return build
    by_label: dict[str, dict[str, Any]] = {}
    for event in events:
        try:
            label = fiscal_period_label(event, year_end_month)
        except FiscalPeriodError as error:
            build.left_out.append(f"{symbol} {event.fiscal_period}: {error}")
            continue
        previous = stored.get(label)
        results = results_document(event)
        row: dict[str, Any] = {
            "instrument_id": instrument_id,
            "fiscal_period": label,
            "scheduled_for": event.scheduled_for,
            "report_date": event.report_date,
            "results": results,
            "data_source_id": source_id,
        }
        if previous is not None:
            row["results"] = merge_results(previous.results, results)
            if event.report_date is None and event.scheduled_for is None:
                # A reported quarter from the history has no date: keep the stored schedule.
                row["report_date"] = previous.report_date
                row["scheduled_for"] = previous.scheduled_for
                for key in ("date_is_estimate", "timing"):
                    row["results"][key] = previous.results.get(key)
        by_label[label] = row
    build.rows.extend(by_label.values())
    return build
