"""glassnet compete: a self-hosted leaderboard server for class prediction competitions.

``config`` (settings), ``db`` (engine, sessions, migrations), ``models`` (tables),
``schemas`` (API documents), ``crud`` (queries, the daily limit), ``board`` (the
leaderboard), ``scoring`` (metrics, split, the Ladder), ``submission_file`` (checking
uploads), ``create`` (``init``), ``app`` and ``api/`` (routes and pages), ``templates/``.
"""
