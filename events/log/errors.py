"""Domain errors: the storage layer maps SQLite errors to these, the web maps them to HTTP."""


class TimelineError(Exception):
    """Base of every error the timeline reports to a person."""


class InvalidDate(TimelineError, ValueError):
    """A fuzzy date that is malformed or does not exist."""


class ValidationError(TimelineError, ValueError):
    """A command or payload with a missing, unknown or bad field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ConcurrencyConflict(TimelineError):
    """Someone else appended to the stream first (the API answers 409)."""

    def __init__(self, stream_id: str, expected: int, actual: int):
        super().__init__(f"stream {stream_id} is at version {actual}, not {expected}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class UnknownFact(TimelineError, LookupError):
    """No fact has this id."""


class FactRetracted(TimelineError):
    """A retracted fact cannot be corrected or retracted again."""


class FactMergedAway(FactRetracted):
    """A fact merged into another is changed no more, like a retracted one (409): changes go to the other."""


class SchemaTooNew(TimelineError):
    """The database was written by a newer version of this program."""


class ImportRefused(TimelineError):
    """Import goes into an empty database only, from a well-formed export."""


class LogUnavailable(TimelineError):
    """The shared log's server (PostgreSQL) cannot be reached: nothing was recorded (the web answers 503)."""


class StorageFull(TimelineError):
    """The disk holding the database is full (SQLITE_FULL): the write was rolled back (the web answers 507)."""
