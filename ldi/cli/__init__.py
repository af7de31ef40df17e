"""Command line: ``ldi risk`` and the other sub-commands."""
