"""The exception tree. The CLI maps it to exit codes, the web (later) to HTTP answers.

LindungError
├── NotFound            something named does not exist (or is outside the caller's scope)
├── PermissionDenied    the caller may not do this
├── Conflict            the request contradicts what is recorded
├── ValidationFailed    input broke rules; carries the issues (row, column, code, message)
└── InvalidTransition   a state change that the state machine does not allow
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    row: int | None
    column: str | None
    code: str
    message: str
    value: str | None = None
    severity: str = "error"

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "message": self.message,
            "severity": self.severity,
        }


class LindungError(Exception):
    pass


class NotFound(LindungError):
    pass


class PermissionDenied(LindungError):
    pass


class Conflict(LindungError):
    pass


class ValidationFailed(LindungError):
    def __init__(self, message: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.issues = issues or []


class InvalidTransition(LindungError):
    pass
