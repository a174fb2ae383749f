"""Text from a visitor or a model, shown in Markdown as the text it is (rendered as the app renders it)."""
from markdown_it import MarkdownIt

from core.markdown import fenced, inline_code, literal

HOSTILE = 'Delete all logs <img src=x onerror="window.x=1"><b>bold</b>[link](http://evil.example/) **big** `code` # h'


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_a_visitors_text_renders_as_the_words_typed():
    page = rendered(f"**Failed:** the name {literal(HOSTILE)} is taken")
    for markup in ("<img", "<b>", "<a ", "<strong>big", "<code>", "<h1"):
        assert markup not in page, page
    assert "&lt;img src=x onerror=" in page and "[link](http://evil.example/)" in page and "**big**" in page
    assert "<h" not in rendered(literal("a name\n# heading\n- item"))  # one line, whatever it holds
    assert literal("num_steps must be 1, got 'x'") == "num_steps must be 1, got 'x'"


def test_inline_code_holds_any_backticks():
    for text in ("rm -rf `pwd`", "``", "a`b``c", "`x`"):
        page = rendered(f"- {inline_code(text)} (proposed)")
        assert page.count("<code>") == 1 and "(proposed)</li>" in page, page
    assert inline_code("ls\n# a heading") == "`ls # a heading`"


def test_a_models_text_cannot_break_out_of_its_code_block():
    """A byte-level model can write backticks and terminal escapes: both are shown as text."""
    story = "a fence ``` then ````` and an escape \x1b[2J and a bell \x07\n\tend"
    block = fenced(story, "text")
    assert block[0] == "``````text" and block[2] == "``````"
    assert block[1] == "a fence ``` then ````` and an escape \\x1b[2J and a bell \\x07\n\tend"
    assert fenced("ls -l", "bash") == ["```bash", "ls -l", "```"]
    page = rendered("\n".join(fenced("```\n<b>out</b>\n```", "bash")) + "\nafter")
    assert page.count("<pre>") == 1 and "&lt;b&gt;out" in page and "<p>after</p>" in page
