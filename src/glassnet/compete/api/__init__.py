"""The REST routes (``routes.py``) and server-rendered pages (``pages.py``) of the server."""
