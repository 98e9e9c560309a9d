"""Alembic environment: migrates the warehouse on PostgreSQL and SQLite from one script set."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import market_pipeline.models  # noqa: F401 - registers every table on the metadata
from market_pipeline.db.engine import make_engine
from market_pipeline.db.migrations import render_item
from market_pipeline.models.base import metadata

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    return make_engine(config.get_main_option("sqlalchemy.url") or None)


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=metadata,
        render_item=render_item,
        compare_type=True,
        compare_server_default=False,
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_offline() -> None:
    engine = _engine()
    _configure(url=engine.url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        _configure(
            connection=connection,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
