"""Text shown inside Markdown as the text it is: a visitor's request, an error quoting what they
typed, a model's output.

The app renders its messages as Markdown (which passes HTML through), and the report is Markdown:
text from a visitor or from a model must not become a link, an image, markup, or the end of the
code block around it.
"""
from __future__ import annotations

import html
import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # every control character but tab and newline
# What would let text become a link, an image, emphasis or code; `_` is left alone, since it only
# emphasises at a word's edge and names such as num_steps read better without a backslash.
PUNCTUATION = re.compile(r"([\\`*\[\]])")


def _visible_controls(text: str) -> str:
    """Control characters (a terminal's escape sequences, which a byte-level model can write) as
    escapes, rather than sent to whoever reads them."""
    return CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def literal(text: object) -> str:
    """Plain text in one line of Markdown: HTML escaped, what makes links, images, emphasis and code
    backslashed, and a line break (which could start a heading or a list) made a space."""
    flat = _visible_controls(str(text).replace("\n", " "))
    return PUNCTUATION.sub(r"\\\1", html.escape(flat, quote=False))


def _fence_for(text: str, mark: str, shortest: int) -> str:
    return mark * max(shortest, 1 + max((len(run) for run in re.findall(f"{re.escape(mark)}+", text)), default=0))


def inline_code(text: str) -> str:
    """Text as inline code that a backtick inside it cannot end."""
    visible = _visible_controls(str(text)).replace("\n", " ")
    fence = _fence_for(visible, "`", 1)
    padded = f" {visible} " if visible.startswith("`") or visible.endswith("`") else visible
    return f"{fence}{padded}{fence}"


def fenced(text: str, language: str) -> list[str]:
    """Text as a code block that it cannot break out of: the fence is longer than any run of
    backticks in the text."""
    visible = _visible_controls(text)
    fence = _fence_for(visible, "`", 3)
    return [fence + language, visible, fence]
