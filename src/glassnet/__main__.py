"""``python -m glassnet``: the same as the ``glassnet`` command."""

from glassnet.cli import app

app(prog_name="glassnet")
