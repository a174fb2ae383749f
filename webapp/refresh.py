"""What a tab reads from disk again when it is opened or the page is (re)loaded.

A list built when the app starts would miss every corpus, run and checkpoint made since — by a job
in this app, the CLI or another visitor — so each tab that lists them says how to list them again.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import gradio as gr


class TabRefresh(NamedTuple):
    function: Callable[..., Any]
    inputs: list[gr.components.Component]  # what the lists are now (a choice still there is kept)
    outputs: list[gr.components.Component]


def refresh_on_visit(app: gr.Blocks, tab: gr.Tab, refresh: TabRefresh) -> None:
    for event in (tab.select, app.load):
        event(refresh.function, refresh.inputs, refresh.outputs, api_visibility="private")


def kept(chosen: Any, choices: list[Any]) -> list[Any]:
    """The chosen values (one, or a list) that are still among `choices`."""
    values = chosen if isinstance(chosen, list) else [chosen] if chosen else []
    return [value for value in values if value in choices]
