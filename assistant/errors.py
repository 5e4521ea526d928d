"""The project's error hierarchy: every message says what came in, what is allowed and how to fix it."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: a problem the user can fix (bad input, bad option, missing store)."""


class IngestError(AssistantError):
    """A document that cannot be read; names the file (and sheet/row where known) and the reason."""

    def __init__(self, file: str, reason: str, *, sheet: str | None = None, row: int | None = None):
        self.file, self.reason, self.sheet, self.row = file, reason, sheet, row
        where = file + (f" [{sheet}]" if sheet else "") + (f" 行{row}" if row is not None else "")
        super().__init__(f"{where}: {reason}")


class StoreError(AssistantError):
    """A store that is missing, corrupt or written by an incompatible version."""


class InputError(AssistantError):
    """A bad option or argument value (empty name, negative budget, unknown column …)."""


class TimeLimitError(AssistantError):
    """A request of the app that ran past its time limit (``ASSISTANT_MAX_REQUEST_SECONDS``) and was
    stopped; the message says what was stopped, the limit and what to do."""


class IngestWarning(UserWarning):
    """A part of a document that was skipped or read under an assumption (never silently).

    Readers issue it with :func:`warnings.warn` and still return what they could read: a sheet
    without an indicator table, an empty indicator table, a budget written in 元 under a 万元 label.
    The ingest command collects these with ``warnings.catch_warnings(record=True)`` and prints one
    line each on stderr.
    """

    def __init__(self, file: str, reason: str, *, sheet: str | None = None):
        self.file, self.reason, self.sheet = file, reason, sheet
        super().__init__(file + (f" [{sheet}]" if sheet else "") + f": {reason}")
