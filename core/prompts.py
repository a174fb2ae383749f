"""The prompts the product shows and measures itself on, written once.

The playground offers the demo requests as examples, the report samples scripts for the bash
prompts (the demo requests first) and continues the story prompts, and a test holds the shipped
checkpoint to the first commands each demo request should start with (issue 8's spec).
"""
from __future__ import annotations

# Each request a visitor is offered first, with the first commands a sensible answer starts with.
DEMO_REQUESTS: dict[str, frozenset[str]] = {
    "Create a backup script": frozenset({"tar", "rsync", "cp"}),
    "list all large files": frozenset({"find", "du", "ls"}),
    "delete log files older than 30 days": frozenset({"find"}),
}
BASH_PROMPTS = (*DEMO_REQUESTS, "count the lines of every text file", "check if a website is up")
STORY_PROMPTS = ("Once upon a time, there was a little", "One day, a girl named Lily went to the",
                 "The old man looked at the sky and said")
DEMO_STORY = "Once upon a time, there was a little dog named Max."
