from market_pipeline.settings import Settings, normalise_database_url, redact_url


def test_postgres_spellings_use_psycopg3() -> None:
    for raw in (
        "postgres://user:pw@db.example:5432/app",
        "postgresql://user:pw@db.example:5432/app",
        "postgresql+psycopg://user:pw@db.example:5432/app",
        "postgresql+psycopg2://user:pw@db.example:5432/app",
    ):
        assert normalise_database_url(raw) == "postgresql+psycopg://user:pw@db.example:5432/app"


def test_sqlite_url_unchanged() -> None:
    assert normalise_database_url("sqlite:///data/x.sqlite") == "sqlite:///data/x.sqlite"


def test_default_database_is_sqlite_file(monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///data/market_pipeline.sqlite"


def test_database_url_from_environment(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:secret@h/db")
    settings = Settings(_env_file=None)
    assert settings.database_url == "postgresql+psycopg://u:secret@h/db"


def test_redact_hides_password() -> None:
    redacted = redact_url("postgresql+psycopg://user:s3cr3t@host:5432/db")
    assert "s3cr3t" not in redacted
    assert redacted == "postgresql+psycopg://user:***@host:5432/db"


def test_secrets_hidden_in_settings_repr() -> None:
    settings = Settings(_env_file=None, saxo_token="tok-123", llm_api_key="key-456")
    assert "tok-123" not in repr(settings)
    assert "key-456" not in repr(settings)


def test_relative_sqlite_made_absolute(tmp_path, monkeypatch) -> None:
    from market_pipeline.settings import absolute_sqlite_url

    monkeypatch.chdir(tmp_path)
    assert absolute_sqlite_url("sqlite:///data/w.sqlite") == f"sqlite:///{tmp_path}/data/w.sqlite"
    assert absolute_sqlite_url("sqlite:////abs/w.sqlite") == "sqlite:////abs/w.sqlite"
    assert absolute_sqlite_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
