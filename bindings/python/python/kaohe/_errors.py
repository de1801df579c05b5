"""The exceptions kaohe raises, one per kind of failure, each carrying the core's code.

Every failure has a stable snake_case ``code`` (the same string in every binding, see
``kaohe.ERROR_CODES``), a ``message`` a person can act on, and where it points: a JSON
``path`` into the scheme or the employee, and a ``line`` and ``column`` inside a script.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

__all__ = ["KaoheError", "SchemeError", "InputError", "ScriptError"]


class KaoheError(Exception):
    """Base class of every kaohe error.

    Codes raised as this class itself: ``io_error`` (a file could not be read) and
    ``internal_error`` (a bug in kaohe, including a caught Rust panic).
    """

    code: str
    message: str
    path: Optional[str]
    line: Optional[int]
    column: Optional[int]

    def __init__(
        self,
        message: str,
        code: str = "internal_error",
        path: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path:
            where += f" {self.path}"
        if self.line is not None and self.column is not None:
            where += f" (line {self.line}, column {self.column})"
        elif self.line is not None:
            where += f" (line {self.line})"
        return f"[{self.code}]{where}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, path={self.path!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (
            type(self),
            (self.message, self.code, self.path, self.line, self.column),
            self.__dict__,
        )

    def to_dict(self) -> Dict[str, Any]:
        """The error in the contract's JSON shape: ``{"code", "message", "path"?, "line"?, "column"?}``."""
        out: Dict[str, Any] = {"code": self.code, "message": self.message}
        for key in ("path", "line", "column"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


class SchemeError(KaoheError):
    """The scheme did not load. ``errors`` lists every problem found (validation never
    stops at the first); ``code``, ``message``, ``path``… are those of the first.

    Codes: ``invalid_scheme``, ``duplicate_id``, ``weights_mismatch``, ``unknown_name``,
    ``script_compile``, ``dependency_cycle``, ``quota_infeasible``.
    """

    errors: List[KaoheError]

    def __init__(
        self,
        message: str,
        code: str = "invalid_scheme",
        path: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        errors: Optional[List[KaoheError]] = None,
    ) -> None:
        super().__init__(message, code, path, line, column)
        self.errors = list(errors) if errors else [KaoheError(message, code, path, line, column)]

    def __str__(self) -> str:
        n = len(self.errors)
        lines = [f"the scheme has {n} problem{'' if n == 1 else 's'}"]
        lines.extend(f"  {KaoheError.__str__(e)}" for e in self.errors)
        return "\n".join(lines)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (
            type(self),
            (self.message, self.code, self.path, self.line, self.column, self.errors),
            self.__dict__,
        )


class InputError(KaoheError):
    """An employee or an employees document is wrong: ``missing_input``,
    ``invalid_input``, ``invalid_document``, ``unknown_employee``, the
    ``appeal_*`` codes and ``result_mismatch``."""


class ScriptError(KaoheError):
    """A script failed while scoring an employee: ``script_runtime``, or
    ``script_limit`` when it hit a sandbox limit (a loop that never ends)."""


for _cls in (KaoheError, SchemeError, InputError, ScriptError):
    _cls.__module__ = "kaohe"
del _cls
