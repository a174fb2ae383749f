"""One exception type for mistakes a user can fix.

The CLI and the app print a `UserError` as a one-line message instead of a traceback, so every
check of user input (configs, paths, checkpoints, data) raises this and nothing else.
"""
import reprlib


class UserError(Exception):
    """A problem with the user's input or environment, explained in words they can act on."""


class RequestTooLong(UserError):
    """A request longer than the model's context: one line for a person who typed it, and for a
    held-out set an answer the model could not give (scored as a miss, not a crash of the report)."""


_SHORT = reprlib.Repr()  # (keyword arguments need Python 3.12)
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, 60, 60
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 4


def shown(value: object) -> str:
    """A value as an error message quotes it, short whatever was given: the repr of a 1 MB string
    or of a YAML file's nested aliases (nine lists of nine lists…, hundreds of MB written out)
    would take the server's time and reach the browser whole. Built without the full repr."""
    return _SHORT.repr(value)
