"""The exception tree the services raise, and the `Issue` a ValidationFailed carries.

LindungError
├── NotFound            something named does not exist (or is outside the caller's scope)
├── PermissionDenied    the caller may not do this
├── Conflict            the request contradicts what is recorded
├── ValidationFailed    input broke rules; carries the issues (row, column, code, message)
└── InvalidTransition   a state change that the state machine does not allow

Every edge maps the tree. The CLI (`cli.LindungCommand`) prints the message and the issues and exits 2
for NotFound, 1 for the rest. The pages (`web.middleware.LindungErrors`) and the API (`api.errors`, as
JSON `{"code", "message", "issues"}`) answer NotFound 404, PermissionDenied 403, ValidationFailed 400,
Conflict 409 and any other LindungError 400; a page's form shown again with its refusal is 400 (409 for
a Conflict, 200 as an htmx fragment: `web.forms.refusal_status`). A subclass kept beside its cause
(`coverage.pdf.FontNotInstalled`) is answered as a LindungError.
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
