"""man(7) roff to plain text, in Python: the words of a manual page without its layout.

Why not `groff`/`mandoc`, where installed (measured on 200 random pages of /usr/share/man and on
the first 50 that `core.data.manpages` reads, against `groff -k -t -man -Tutf8` with its layout
stripped): this converter takes 0.5-0.8 ms a page, a groff subprocess 31-35 ms (40-65 times
slower: a minute more for the ~1,900 default pages); neither leaves roff behind; groff's text holds
0.5% more words (1.5% on the openssl-heavy 50), from what this converter drops on purpose (macros
a page defines, conditional branches) and page footers. groff also writes typographic quotes
where commands need ASCII ones, needs its terminal layout undone, and is absent from a Hugging
Face Space image, whose corpus would then differ. And `core.data.manpairs` reads pages through
`ManPage` itself, marking which text was code and which prose, which no rendered page can tell.

The converter is deliberately small: it keeps the words of a page and drops its layout, and
leaves out what it cannot read honestly: conditionals, macro definitions, and mdoc pages
(`core.data.manpages` skips those).
"""
from __future__ import annotations

import re
import unicodedata

_GLYPHS = {"aq": "'", "dq": '"', "lq": '"', "rq": '"', "oq": "'", "cq": "'", "ga": "`", "ti": "~",
           "ha": "^", "rs": "\\", "sl": "/", "ba": "|", "or": "|", "bv": "|", "at": "@", "sh": "#",
           "Do": "$", "hy": "-", "mi": "-", "pl": "+", "eq": "=", "mu": "×", "di": "÷", "+-": "±",
           "em": "—", "en": "–", "bu": "•", "co": "©", "rg": "®", "tm": "™", "de": "°", "sc": "§",
           "ps": "¶", "dg": "†", "ss": "ß", "Eu": "€", "Po": "£", "ct": "¢", "Fo": "«", "Fc": "»",
           "<=": "≤", ">=": "≥", "!=": "≠", "->": "→", "<-": "←", "ua": "↑", "da": "↓",
           "lB": "[", "rB": "]", "lC": "{", "rC": "}", "la": "⟨", "ra": "⟩", "aa": "´"}
_ACCENTS = {"'": "\u0301", "`": "\u0300", ":": "\u0308", "^": "\u0302", "~": "\u0303", ",": "\u0327"}
# Strings that man and pod2man pages interpolate with \* without defining them where this reader
# sees them (in conditionals); strings a page defines with `.ds` are added, any other is dropped.
_STRINGS = {'L"': '"', 'R"': '"', "C`": '"', "C'": '"', "lq": '"', "rq": '"', "Aq": "'",
            "--": "—", "C+": "C++", "PI": "pi", "R": "®", "Tm": "™"}
# One-character escapes; an escaped character not listed stands for itself (`\.` is a period).
_CHARS = {"e": "\\", "E": "\\", " ": " ", "~": " ", "0": " ", "t": "\t", "&": "", ":": "", "%": "",
          "|": "", "^": "", "/": "", ",": "", ")": "", "c": "", "d": "", "u": "", "p": "", "r": "",
          "z": "", "a": "", "{": "", "}": ""}
_ESCAPE = re.compile(
    r"\\(?:(?P<kind>[*fFgkmMnVY])[+-]?(?:\(..|\[[^\]]*\]|.)"  # fonts, registers, colours
    r"|s[+-]?(?:\(\d\d|\[[^\]]*\]|'[^']*'|\d)"  # point size
    r"|(?P<delimited>[ACDNRXZbhLlovwx])'(?P<argument>[^']*)'"  # motions, drawing; \C'xx' a glyph
    r"|\((?P<glyph>..)|\[(?P<glyph_long>[^\]]*)\]"  # special characters
    r"|(?P<char>.))")
_STRING_REFERENCE = re.compile(r"\\\*(?:\((..)|\[([^\]]*)\]|(.))")
_COMMENT = re.compile(r"^((?:[^\\]|\\.)*?)\\[\"#].*")
_REQUEST = re.compile(r"[.']\s*([^\s\\]*)\s*(.*)")
_ARGUMENT = re.compile(r'"(?:[^"]|"")*"?|(?:\\.|\S)+')
_DROPPED_BLOCKS = {"de": "..", "de1": "..", "am": "..", "ig": "..", "EQ": ".EN", "PS": ".PE"}
_CONDITIONALS = {"if", "ie", "el"}
_PARAGRAPHS = {"PP", "LP", "P", "HP", "sp", "bp"}
_LINE_BREAKS = {"br", "RS", "RE", "in", "ti", "ce"}
_NO_FILL, _FILL = {"nf", "EX"}, {"fi", "EE"}
_FONTS = {"B", "I", "SM", "SB"}
_ALTERNATING_FONTS = {"BR", "RB", "IR", "RI", "BI", "IB"}  # arguments joined without spaces


def _glyph(name: str) -> str:
    """A named roff character: `em`, an accented letter like `'e`, or a Unicode `u00E9`."""
    if name in _GLYPHS:
        return _GLYPHS[name]
    if re.fullmatch(r"u[0-9A-F]{4,6}(_[0-9A-F]{4,6})*", name):
        return unicodedata.normalize("NFC", "".join(chr(int(c, 16)) for c in name[1:].split("_")))
    if len(name) == 2 and name[0] in _ACCENTS and name[1].isalpha():
        return unicodedata.normalize("NFC", name[1] + _ACCENTS[name[0]])
    return ""


def _replace_escape(match: re.Match[str]) -> str:
    if match["kind"]:
        return ""  # fonts, registers, colours, and strings no page defined: layout only
    if match["delimited"]:
        return _glyph(match["argument"]) if match["delimited"] == "C" else ""
    glyph = match["glyph"] or match["glyph_long"]
    if glyph is not None:
        return _glyph(glyph)
    char = match["char"]
    return "" if char is None else _CHARS.get(char, char)


def plain(text: str) -> str:
    return _ESCAPE.sub(_replace_escape, text) if "\\" in text else text


def request_arguments(text: str) -> list[str]:
    """A request's arguments, split on spaces except inside double quotes or after a backslash."""
    return [a[1:].removesuffix('"').replace('""', '"') if a.startswith('"') else a
            for a in _ARGUMENT.findall(text)]


def _table_row(line: str, tab: str) -> str:
    cells = line.replace("T{", "").replace("T}", "").split(tab)
    return "  ".join(plain(cell.strip()) for cell in cells if cell.strip())


class ManPage:
    """A man(7) page read line by line into plain text. Text is filled into one line per
    paragraph, as roff fills it, except in no-fill regions (`.nf`, `.EX`), whose lines keep their
    shape; comments, macro definitions, conditionals and layout requests leave nothing behind."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.words: list[str] = []  # the paragraph being filled
        self.fill = True
        self.tag_pending = False  # after .TP or a bare .SH: the next line stands alone
        self.heading = -1  # the index in `lines` of the last heading, which needs no blank after
        self.block_end = ""  # the line that closes a dropped block (`..` after `.de`)
        self.open_braces = 0  # unclosed `\\{` of a dropped conditional
        self.table_tab: str | None = None  # between .TS and .TE: the column separator
        self.in_table_format = False
        self.strings = dict(_STRINGS)  # what `\*(xx` stands for

    def read(self, raw: str) -> None:
        if self.open_braces:
            self.open_braces += raw.count("\\{") - raw.count("\\}")
        elif self.block_end:
            self.block_end = "" if raw.strip() == self.block_end else self.block_end
        elif self.in_table_format:
            self._read_table_format(raw)
        else:
            line = _COMMENT.sub(r"\1", raw) if ("\\\"" in raw or "\\#" in raw) else raw
            # A control character is looked for before strings are interpolated: asciidoc's
            # `\*(Aqperf lock\*(Aq records ...` is a text line that starts with a quote.
            request = _REQUEST.match(line)
            if request is not None:
                self._request(request[1], self._interpolated(request[2]))
            else:
                text = self._interpolated(line)
                if text or not raw:  # a line that held only a comment leaves nothing
                    self._text_line(text)

    def text(self) -> str:
        self._break()
        text = "\n".join(line.rstrip() for line in self.lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

    def _interpolated(self, text: str) -> str:
        """`text` with each `\\*` string reference replaced by its value ("" when undefined)."""
        return _STRING_REFERENCE.sub(self._string, text) if "\\*" in text else text

    def _string(self, reference: re.Match[str]) -> str:
        return self.strings.get(reference[1] or reference[2] or reference[3], "")

    def _define_string(self, definition: str) -> None:
        name, _, value = definition.partition(" ")
        value = value.lstrip()
        self.strings[name] = value.removeprefix('"')

    def _break(self) -> None:
        if self.words:
            self.lines.append(" ".join(self.words))
            self.words = []

    def _paragraph(self) -> None:
        self._break()
        if self.heading != len(self.lines) - 1:
            self.lines.append("")

    def _add(self, text: str) -> None:
        if not self.fill:
            self.lines.append(text)
        elif text.strip():
            self.words.append(text.strip())
        if self.tag_pending:
            self.tag_pending = False
            self._break()

    def _text_line(self, line: str) -> None:
        if self.table_tab is not None:
            row = _table_row(line, self.table_tab)
            if row and line not in ("_", "="):  # rules and `T{` openers leave no row
                self._break()
                self.lines.append(row)
        elif not line.strip():
            self._paragraph()
        else:
            if line[0].isspace():
                self._break()  # roff breaks before an indented line
            self._add(plain(line))

    def _read_table_format(self, line: str) -> None:
        tab = re.search(r"tab\s*\((.)\)", line)
        self.table_tab = tab[1] if tab else self.table_tab
        self.in_table_format = not line.rstrip().endswith(".")

    def _request(self, name: str, rest: str) -> None:
        arguments = request_arguments(rest)
        if name in _CONDITIONALS:
            self.open_braces = rest.count("\\{") - rest.count("\\}")
        elif name in ("ds", "ds1"):
            self._define_string(rest)
        elif name in _DROPPED_BLOCKS:
            self.block_end = _DROPPED_BLOCKS[name]
        elif name == "TS":
            self._break()
            self.in_table_format, self.table_tab = True, "\t"
        elif name == "T&":
            self.in_table_format = True
        elif name == "TE":
            self.table_tab = None
        elif name in ("SH", "SS"):
            self._paragraph()
            self.tag_pending = True
            if arguments:
                self._add(plain(" ".join(arguments)))
                self.heading = len(self.lines) - 1
        elif name == "TP":
            self._paragraph()
            self.tag_pending = True
        elif name == "IP":
            self._paragraph()
            if arguments:
                self._add(plain(arguments[0]))  # the tag; a second argument is an indent
        elif name in _PARAGRAPHS:
            self._paragraph()
        elif name in _LINE_BREAKS:
            self._break()
        elif name in _NO_FILL or name in _FILL:
            self._break()
            self.fill = name in _FILL
        elif name in _FONTS and arguments:
            self._add(plain(" ".join(arguments)))
        elif name in _ALTERNATING_FONTS:
            self._add(plain("".join(arguments)))


def man_to_text(roff: str) -> str:
    """Plain text of a man(7) page: headings, filled paragraphs, tags and the words of font
    macros kept; comments, macro definitions, conditionals and layout requests dropped."""
    page = ManPage()
    for line in roff.splitlines():
        page.read(line)
    return page.text()
