"""The Alembic migrations build exactly the tables of models.py, and run twice harmlessly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from glassnet.compete.db import make_engine, upgrade
from glassnet.compete.models import Base


def test_upgrade_head_matches_the_models_and_is_idempotent(new_database_url):
    url = new_database_url()
    upgrade(url)
    upgrade(url)  # init and serve both run it: a second run changes nothing
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == "0002"
            assert compare_metadata(context, Base.metadata) == []
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert {"competitions", "solution_rows", "teams", "submissions", "daily_counts"} <= tables


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade(url)
    engine = make_engine(url, busy_timeout_ms=12_345)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 12_345
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_postgresql_urls_use_psycopg_3():
    from glassnet.compete.config import normalise_database_url

    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_database_of_the_first_schema_upgrades_with_its_rows(new_database_url):
    """A competition run before the term's columns keeps its rows, with their defaults."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from glassnet.compete.db import MIGRATIONS

    url = new_database_url()
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
            connection.execute(
                text(
                    "INSERT INTO competitions (id, name, metric, id_column, target, classes, "
                    "positive_label, public_fraction, daily_limit, invalid_daily_limit, "
                    "final_selections, scoring, precision, revealed, instructor_token_hash, "
                    "created_at) VALUES (1, 'old', 'accuracy', 'Id', 'Label', '[\"0\", \"1\"]', "
                    "'1', 0.3, 5, 50, 2, 'exact', 5, false, 'h', '2026-12-01 10:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO teams (id, competition_id, name, members, token_hash, baseline) "
                    "VALUES (1, 1, 'Ada', 'Ada', 't', false)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO submissions (id, competition_id, team_id, created_at, filename, "
                    "content_hash, public_score, public_shown, private_score, released, "
                    "predictions, selected) VALUES (1, 1, 1, '2026-12-01 11:00:00', 'p.csv', "
                    "'c', 0.7, 0.7, 0.6, true, '[]', false)"
                )
            )
    finally:
        engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == "0002"
            assert compare_metadata(context, Base.metadata) == []
            row = connection.execute(
                text("SELECT late_until, board_version FROM competitions")
            ).one()
            assert tuple(row) == (None, 0)
            assert connection.execute(text("SELECT email FROM teams")).scalar_one() == ""
            note, late = connection.execute(text("SELECT note, late FROM submissions")).one()
            assert note == "" and not late
            tables = set(inspect(connection).get_table_names())
            assert {"student_files", "auth_failures"} <= tables
    finally:
        engine.dispose()
