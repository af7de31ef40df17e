"""Command line: ``ldi validate``, ``ldi risk`` (more sub-commands as the product grows).

Exit codes: 0 done, 2 invalid input (the message names the field and what is expected),
1 anything else.
"""

from ldi.cli.main import main

__all__ = ["main"]
