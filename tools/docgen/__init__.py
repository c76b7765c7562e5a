"""Generators of pages that are derived from the code (rule pages, state-machine page)."""
