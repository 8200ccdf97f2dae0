"""Errors a user can fix; the CLI turns them into one line and an exit code, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or setup that the user can fix (exit code 1)."""

    exit_code = 1


class ModelError(UserError):
    """The model is missing, corrupted, or not the one its metadata describes (exit code 3)."""

    exit_code = 3


SOME_INPUTS_FAILED = 4
"""Exit code of a run that classified what it could but met unreadable inputs (each named on stderr)."""
