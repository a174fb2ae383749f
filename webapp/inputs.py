"""Values from the browser or the API, checked before they reach `core`.

Every endpoint of a public app can be called with any JSON value, not only what its widget would
send: a string where a number belongs, NaN, a number too large for an int, a list where a name
belongs. These turn such values into one `UserError` line naming the field.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

from core.errors import UserError, shown
from webapp.notices import refusal

MAX_TEXT_CHARS = 4000
F = TypeVar("F", bound=Callable[..., Any])


def real_number(value: Any, label: str) -> float:
    if value is None:  # a number field the visitor cleared
        raise UserError(f"{label} is empty: give a number")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise UserError(f"{label} must be a number, got {type(value).__name__}")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise UserError(f"{label} must be a number, got {shown(value)}") from None
    if not math.isfinite(number):
        raise UserError(f"{label} must be a finite number, got {shown(value)}")
    return number


def whole_number(value: Any, label: str) -> int:
    number = real_number(value, label)
    if number != int(number):
        raise UserError(f"{label} must be a whole number, got {shown(value)}")
    return int(number)


def text(value: Any, label: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """A string of valid Unicode (no lone surrogates, no NUL) and of a sane length."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UserError(f"{label} must be text, got {type(value).__name__}")
    if len(value) > max_chars:
        raise UserError(f"{label} is {len(value):,} characters long; at most {max_chars:,}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(f"{label} is not valid Unicode text") from None
    if "\x00" in value:
        raise UserError(f"{label} contains a NUL character")
    return value


def names(value: Any, label: str) -> list[str]:
    """A multiselect's value: a list of strings (a single string counts as one)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UserError(f"{label} must be a list of names")
    return [text(item, label, 300) for item in value]


def api_errors(handler: F) -> F:
    """Let a `UserError` reach the caller as its one line (a Gradio error), not as a bare "Error"."""
    @functools.wraps(handler)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        except UserError as exc:
            raise refusal(exc) from None
    return wrapped  # type: ignore[return-value]
