"""Objective and constraint terms by theme; ``registry`` finds them by their YAML keys."""
