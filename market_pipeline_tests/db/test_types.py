"""JSON documents are replaced whole; in-place edits of a loaded document are not tracked.

The write path always assigns complete documents, so nothing relies on change tracking of
nested values. These tests pin that contract down on both databases.
"""

from sqlmodel import Session

from market_pipeline.models import DataSource


def _source(engine) -> DataSource:
    with Session(engine, expire_on_commit=False) as session:
        source = DataSource(name="saxo", type="api", meta={"limits": {"per_minute": 120}})
        session.add(source)
        session.commit()
        return source


def test_reassigned_document_persists(engine) -> None:
    source = _source(engine)
    with Session(engine) as session:
        loaded = session.get(DataSource, source.id)
        loaded.meta = {**loaded.meta, "limits": {"per_minute": 60}}
        session.commit()
    with Session(engine) as session:
        assert session.get(DataSource, source.id).meta == {"limits": {"per_minute": 60}}


def test_nested_in_place_edit_not_tracked(engine) -> None:
    source = _source(engine)
    with Session(engine) as session:
        loaded = session.get(DataSource, source.id)
        loaded.meta["limits"]["per_minute"] = 1
        session.commit()
    with Session(engine) as session:
        assert session.get(DataSource, source.id).meta == {"limits": {"per_minute": 120}}
