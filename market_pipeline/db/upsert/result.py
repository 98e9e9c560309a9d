"""The counts an upsert returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UpsertResult:
    """Rows inserted, updated in place, and left untouched, counted after de-duplication."""

    inserted: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def as_metadata(self) -> dict[str, int]:
        """Return the counts as Dagster output metadata."""
        return {
            "rows_inserted": self.inserted,
            "rows_updated": self.updated,
            "rows_unchanged": self.unchanged,
            "rows_total": self.total,
        }
