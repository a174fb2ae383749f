"""pretrained-code-model: a small GPT trained on English, then on bash.

Everything that works without a UI lives here; the web app and the CLI only call it.
"""
