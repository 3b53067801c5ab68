"""glassnet compete: a self-hosted leaderboard server for class prediction competitions.

``config`` (settings), ``db`` (engine, sessions, migrations), ``models`` (tables),
``schemas`` (API documents), ``crud`` (queries, the daily limit), ``board`` (the
leaderboard), ``scoring`` (metrics, split, the Ladder), ``submission_file`` (checking
uploads), ``create`` (``init``), ``app`` and ``api/`` (routes and pages), ``templates/``.
"""

# Here rather than in config, so that the command line's help can name it without
# loading pydantic.
DEFAULT_DATABASE_URL = "sqlite:///glassnet-compete.db"
