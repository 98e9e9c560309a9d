"""Metadata every asset reports: row counts, upsert counts, a Markdown preview."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dagster import MetadataValue

PREVIEW_ROWS = 10


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Render the first `PREVIEW_ROWS` rows as a Markdown table."""
    header = "| " + " | ".join(columns) + " |"
    rule = "|" + "---|" * len(columns)
    body = [
        "| " + " | ".join(_cell(row.get(column)) for column in columns) + " |"
        for row in rows[:PREVIEW_ROWS]
    ]
    more = [f"\n{len(rows) - PREVIEW_ROWS} more rows"] if len(rows) > PREVIEW_ROWS else []
    return "\n".join([header, rule, *body, *more])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def upsert_metadata(result: Any, *, preview: str | None = None, **extra: Any) -> dict[str, Any]:
    """Return the metadata of a materialisation that wrote through `db.upsert`."""
    metadata: dict[str, Any] = {
        "dagster/row_count": MetadataValue.int(result.total),
        "inserted": MetadataValue.int(result.inserted),
        "updated": MetadataValue.int(result.updated),
        "unchanged": MetadataValue.int(result.unchanged),
    }
    for key, value in extra.items():
        metadata[key] = value
    if preview is not None:
        metadata["preview"] = MetadataValue.md(preview)
    return metadata


def log_upsert(log: Any, label: str, result: Any) -> None:
    """Log the counts of one upsert through `context.log`."""
    log.info(
        "%s: %d rows (%d inserted, %d updated, %d unchanged)",
        label,
        result.total,
        result.inserted,
        result.updated,
        result.unchanged,
    )
