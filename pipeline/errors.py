"""Errors a user can fix; the CLI turns them into one line and an exit code, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or setup that the user can fix (exit code 1)."""

    exit_code = 1


class InputError(UserError):
    """Some input paths could not be read; the rest of the run went on (exit code 4)."""

    exit_code = 4


class ModelError(UserError):
    """The model is missing, corrupted, or not the one its metadata describes (exit code 3)."""

    exit_code = 3
