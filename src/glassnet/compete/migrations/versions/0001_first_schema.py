"""First schema: competitions, solution rows, teams, submissions, daily counts.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "competitions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("id_column", sa.String(200), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("classes", sa.Text, nullable=False),
        sa.Column("positive_label", sa.String(200), nullable=False),
        sa.Column("public_fraction", sa.Float, nullable=False),
        sa.Column("daily_limit", sa.Integer, nullable=False),
        sa.Column("invalid_daily_limit", sa.Integer, nullable=False),
        sa.Column("final_selections", sa.Integer, nullable=False),
        sa.Column("deadline", _NOW, nullable=True),
        sa.Column("scoring", sa.String(10), nullable=False),
        sa.Column("precision", sa.Integer, nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        sa.Column("instructor_token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _NOW, nullable=False),
    )
    op.create_table(
        "solution_rows",
        sa.Column(
            "competition_id",
            sa.Integer,
            sa.ForeignKey("competitions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("row_id", sa.String(200), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "competition_id",
            sa.Integer,
            sa.ForeignKey("competitions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("members", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("baseline", sa.Boolean, nullable=False),
        sa.UniqueConstraint("competition_id", "name"),
    )
    _create_submissions()
    op.create_table(
        "daily_counts",
        sa.Column(
            "team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("used", sa.Integer, nullable=False),
        sa.Column("invalid", sa.Integer, nullable=False),
    )


def _create_submissions() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "competition_id",
            sa.Integer,
            sa.ForeignKey("competitions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", _NOW, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("public_score", sa.Float, nullable=False),
        sa.Column("public_shown", sa.Float, nullable=False),
        sa.Column("private_score", sa.Float, nullable=False),
        sa.Column("released", sa.Boolean, nullable=False),
        sa.Column("predictions", sa.Text, nullable=False),
        sa.Column("selected", sa.Boolean, nullable=False),
    )
    op.create_index("ix_submissions_team_id", "submissions", ["team_id"])


def downgrade() -> None:
    """Drop the tables."""
    for table in ("daily_counts", "submissions", "teams", "solution_rows", "competitions"):
        op.drop_table(table)
