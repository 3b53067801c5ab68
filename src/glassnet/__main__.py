"""``python -m glassnet``: the same as the ``glassnet`` command."""

from glassnet._console import main

main()
