"""core.data.roff: behaviour beyond tests/test_system.py's conversions of whole pages."""
from __future__ import annotations

import pytest

from core.data.roff import man_to_text


@pytest.mark.parametrize("roff, text", [
    # asciidoc (perf, git) starts display lines with a quote string; roff reads them as text
    ("\\*(Aqperf lock report\\*(Aq reports statistical data.", "'perf lock report' reports statistical data."),
    (".ds Qd .SH\n\\*(Qd not a heading", ".SH not a heading"),
    # strings in a request's arguments are still interpolated
    (".B \\*(C+ \\*(Aqquoted\\*(Aq", "C++ 'quoted'"),
])
def test_a_control_character_is_looked_for_before_strings_are_interpolated(roff, text):
    assert man_to_text(roff) == text + "\n"
