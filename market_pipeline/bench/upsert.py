"""Upsert benchmark: our write path against raw COPY and the per-row ORM path, same server."""

from __future__ import annotations

import logging
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from market_pipeline.bench.data import generate_bars, with_changed_close
from market_pipeline.db.engine import make_engine
from market_pipeline.db.migrations import upgrade
from market_pipeline.db.upsert import UpsertResult, upsert
from market_pipeline.models import DataSource, Instrument, OhlcvBar

logger = logging.getLogger(__name__)

BAR_COLUMNS = (
    "instrument_id",
    "ts",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "adj_close",
    "data_source_id",
)
PROGRESS_EVERY = 50_000


@dataclass(frozen=True)
class BenchConfig:
    """What one benchmark run writes, and where."""

    postgres_url: str
    instruments: int = 600
    sessions: int = 500
    orm_rows: int = 30_000
    sqlite: bool = True
    scratch_dir: Path = Path("/tmp")

    @property
    def rows(self) -> int:
        return self.instruments * self.sessions


@dataclass(frozen=True)
class Measurement:
    """One timed step: rows written (or checked) per second of wall-clock time."""

    step: str
    backend: str
    rows: int
    seconds: float
    result: UpsertResult | None = None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class BenchReport:
    """Every measurement of one run plus the memory figures."""

    config: BenchConfig
    measurements: list[Measurement] = field(default_factory=list)
    upsert_peak_bytes: int = 0
    max_rss_bytes: int = 0
    postgres_version: str = ""

    def find(self, step: str, backend: str = "postgresql") -> Measurement:
        for measurement in self.measurements:
            if measurement.step == step and measurement.backend == backend:
                return measurement
        raise KeyError(f"no measurement for step {step!r} on {backend}")


class Progress:
    """Log `step i of n` lines and the rows consumed so far."""

    def __init__(self, total_steps: int) -> None:
        self.total_steps = total_steps
        self.current = 0

    def start(self, title: str) -> None:
        self.current += 1
        logger.info("step %d of %d: %s", self.current, self.total_steps, title)

    def count(self, rows: Iterable[dict[str, Any]], total: int) -> Iterator[dict[str, Any]]:
        for done, row in enumerate(rows, start=1):
            if done % PROGRESS_EVERY == 0:
                logger.info("  %d of %d rows", done, total)
            yield row


def run_benchmark(config: BenchConfig) -> BenchReport:
    """Run every step on a scratch PostgreSQL database (and SQLite file) and return the report."""
    report = BenchReport(config=config)
    steps = 6 + (3 if config.sqlite else 0)
    progress = Progress(steps)
    with scratch_postgres(config.postgres_url) as engine:
        with engine.connect() as connection:
            report.postgres_version = str(connection.execute(text("SHOW server_version")).scalar())
        rows = prepare(engine, config)
        report.measurements += measure_postgres(engine, rows, config, progress)
        report.upsert_peak_bytes = measure_upsert_memory(engine, rows, progress)
    if config.sqlite:
        path = config.scratch_dir / f"mp_bench_{uuid.uuid4().hex[:8]}.sqlite"
        engine = make_engine(f"sqlite:///{path}", echo=False)
        try:
            upgrade(engine)
            rows = prepare(engine, config)
            report.measurements += measure_upserts(engine, rows, progress, "sqlite")
        finally:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    report.max_rss_bytes = max_rss_bytes()
    return report


@contextmanager
def scratch_postgres(server_url: str) -> Iterator[Engine]:
    """Create a migrated scratch database on the server, yield its engine, then drop it."""
    server = make_url(server_url)
    name = f"mp_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(
        server.set(database=name).render_as_string(hide_password=False), echo=False
    )
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(engine: Engine, config: BenchConfig) -> list[dict[str, Any]]:
    """Insert the data source and instruments, and return the bars as upsert rows."""
    source_id = uuid.uuid4()
    instrument_ids = [uuid.uuid4() for _ in range(config.instruments)]
    # SQLModel adds `__table__` when it builds a table class, but its stubs do not declare it.
    with engine.begin() as connection:
        connection.execute(
            insert(DataSource.__table__),  # type: ignore[attr-defined]
            [{"id": source_id, "name": "bench", "type": "api"}],
        )
        connection.execute(
            insert(Instrument.__table__),  # type: ignore[attr-defined]
            [
                {"id": instrument_id, "symbol": f"B{number:05d}", "asset_class": "equity"}
                for number, instrument_id in enumerate(instrument_ids)
            ],
        )
    return generate_bars(instrument_ids, source_id, config.sessions)


def measure_postgres(
    engine: Engine, rows: list[dict[str, Any]], config: BenchConfig, progress: Progress
) -> list[Measurement]:
    """Time raw COPY, the three upserts and the per-row ORM path on PostgreSQL."""
    progress.start(f"raw COPY of {len(rows)} rows into the empty table")
    copy = timed(
        "raw COPY",
        "postgresql",
        len(rows),
        lambda: raw_copy(engine, progress.count(rows, len(rows))),
    )
    truncate_bars(engine)
    measurements = [copy, *measure_upserts(engine, rows, progress, "postgresql")]
    truncate_bars(engine)
    subset = rows[: min(config.orm_rows, len(rows))]
    progress.start(f"ORM session.add of {len(subset)} rows into the empty table")
    measurements.append(
        timed("ORM per row", "postgresql", len(subset), lambda: orm_insert(engine, subset))
    )
    truncate_bars(engine)
    return measurements


def measure_upserts(
    engine: Engine, rows: list[dict[str, Any]], progress: Progress, backend: str
) -> list[Measurement]:
    """Time the upsert into the empty table, its unchanged re-run and an all-changed run."""
    changed = list(with_changed_close(rows))
    total = len(rows)
    steps: list[tuple[str, list[dict[str, Any]]]] = [
        ("upsert fresh", rows),
        ("upsert unchanged", rows),
        ("upsert all changed", changed),
    ]
    measurements = []
    for step, step_rows in steps:
        progress.start(f"{step} on {backend}, {total} rows")
        measurements.append(
            timed(
                step,
                backend,
                total,
                partial(upsert, engine, OhlcvBar, progress.count(step_rows, total)),
            )
        )
    return measurements


def measure_upsert_memory(engine: Engine, rows: list[dict[str, Any]], progress: Progress) -> int:
    """Return the tracemalloc peak of one fresh upsert of `rows`, run untimed."""
    truncate_bars(engine)
    progress.start("memory: fresh upsert under tracemalloc (untimed)")
    tracemalloc.start()
    try:
        upsert(engine, OhlcvBar, progress.count(rows, len(rows)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    truncate_bars(engine)
    return peak


def timed(step: str, backend: str, rows: int, action: Callable[[], Any]) -> Measurement:
    started = time.perf_counter()
    outcome = action()
    seconds = time.perf_counter() - started
    result = outcome if isinstance(outcome, UpsertResult) else None
    logger.info("  %s: %d rows in %.2f s (%.0f rows/s)", step, rows, seconds, rows / seconds)
    return Measurement(step=step, backend=backend, rows=rows, seconds=seconds, result=result)


def raw_copy(engine: Engine, rows: Iterable[dict[str, Any]]) -> int:
    """COPY rows straight into the bar table, with a Python uuid4 id each: the physical limit."""
    getter = itemgetter(*BAR_COLUMNS)
    statement = f"COPY ohlcv_bar_pg (id, {', '.join(BAR_COLUMNS)}) FROM STDIN"
    written = 0
    with engine.begin() as connection:
        driver: Any = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row((uuid.uuid4(), *getter(row)))
                written += 1
    return written


def orm_insert(engine: Engine, rows: list[dict[str, Any]]) -> int:
    """Add one `OhlcvBar` object per row to a session and commit: the plain SQLModel path."""
    with Session(engine) as session:
        for row in rows:
            session.add(OhlcvBar(**row))
        session.commit()
    return len(rows)


def truncate_bars(engine: Engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE ohlcv_bar_pg"))
        else:
            connection.execute(text("DELETE FROM ohlcv_bar_pg"))


def max_rss_bytes() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
