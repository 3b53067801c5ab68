"""The term: student files, e-mails, notes, late work, the board's version, token guesses.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the columns (with defaults for the rows already there) and the two tables."""
    with op.batch_alter_table("competitions") as table:
        table.add_column(sa.Column("late_until", _NOW, nullable=True))
        table.add_column(sa.Column("board_version", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("teams") as table:
        table.add_column(sa.Column("email", sa.String(254), nullable=False, server_default=""))
    with op.batch_alter_table("submissions") as table:
        table.add_column(sa.Column("note", sa.String(500), nullable=False, server_default=""))
        table.add_column(sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "student_files",
        sa.Column(
            "competition_id",
            sa.Integer,
            sa.ForeignKey("competitions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
    )
    op.create_table(
        "auth_failures",
        sa.Column("address", sa.String(64), primary_key=True),
        sa.Column("since", _NOW, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("blocked_until", _NOW, nullable=True),
    )


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_table("auth_failures")
    op.drop_table("student_files")
    with op.batch_alter_table("submissions") as table:
        table.drop_column("late")
        table.drop_column("note")
    with op.batch_alter_table("teams") as table:
        table.drop_column("email")
    with op.batch_alter_table("competitions") as table:
        table.drop_column("board_version")
        table.drop_column("late_until")
