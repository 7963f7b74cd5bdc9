"""The errors that stance raises on purpose."""

from __future__ import annotations


class StanceError(Exception):
    """Base class of every error that stance raises on purpose.

    Catch this to handle anything the library refuses: a malformed data file,
    a model directory it cannot trust, labels a model does not know.
    """


class DataError(StanceError, ValueError):
    """A data file or a batch of records is malformed.

    Also a ``ValueError``, so callers that already catch bad values catch it.
    The message names the file (or ``<records>``), the line or row, and what
    was wrong.
    """

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.source = source
        self.line = line
        where = source or "<records>"
        if line is not None:
            where = f"{where}, line {line}"
        super().__init__(f"{where}: {message}")


class ModelFormatError(StanceError, ValueError):
    """A model directory is missing, malformed or of an unknown format version."""
