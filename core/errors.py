"""One exception type for mistakes a user can fix.

The CLI and the app print a `UserError` as a one-line message instead of a traceback, so every
check of user input (configs, paths, checkpoints, data) raises this and nothing else.
"""


class UserError(Exception):
    """A problem with the user's input or environment, explained in words they can act on."""


class RequestTooLong(UserError):
    """A request longer than the model's context: one line for a person who typed it, and for a
    held-out set an answer the model could not give (scored as a miss, not a crash of the report)."""
