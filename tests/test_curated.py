"""The shipped curated scripts stay parseable, described and distinct."""
import shutil
import subprocess

import pytest

from core.data.curated import CURATED_DIR, curated_scripts, describe

SCRIPTS = sorted(CURATED_DIR.glob("*.sh"))


def test_there_are_at_least_160():
    assert len(SCRIPTS) >= 160 and len(curated_scripts()) == len(SCRIPTS)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_each_script_is_described_strict_and_parses(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "#!/bin/bash"
    assert describe(text) and lines[1].startswith("# ") and len(describe(text)) > 10
    assert "set -euo pipefail" in lines, "strict mode must be a line of its own"
    assert 5 <= len(lines) <= 60, "curated scripts are short examples"
    # Parse only: bash -n reads the script and never runs a command of it.
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, timeout=10)
    assert result.returncode == 0, result.stderr


def test_no_duplicate_scripts_or_descriptions():
    scripts = curated_scripts()
    assert len(set(scripts)) == len(scripts)
    descriptions = [describe(s).lower() for s in scripts]
    assert len(set(descriptions)) == len(descriptions)


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_shellcheck_finds_no_warnings():
    result = subprocess.run(["shellcheck", "--severity=warning", *map(str, SCRIPTS)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]


def test_describe():
    assert describe("#!/bin/bash\n# List files\nls\n") == "List files"
    assert describe("#!/bin/bash\nls\n") is None
