"""Messages to a visitor, whose words may quote what the visitor typed.

Gradio renders a toast's message as HTML and a Markdown output as Markdown (HTML included), so a
name typed as `<img …>` or `[link](…)` would become an image or a live link in the refusal that
quotes it. Every message built from an error or a visitor's text goes through here.
"""
from __future__ import annotations

import html

import gradio as gr

from core.markdown import literal


def refusal(exc: BaseException | str) -> gr.Error:
    """The error to raise: its one line as text."""
    return gr.Error(html.escape(str(exc), quote=False))


def warn(exc: BaseException | str) -> None:
    """A toast beside the result, its line as text."""
    gr.Warning(html.escape(str(exc), quote=False))


def reason_line(label: str, exc: BaseException | str) -> str:
    """A Markdown line such as **Not started:** <the reason, as text>."""
    return f"**{label}:** {literal(exc)}"
