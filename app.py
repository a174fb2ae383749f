"""Start the web app: `python app.py [--host H] [--port P] [--share] [--workspace DIR]`.

Binds to 127.0.0.1 unless told otherwise. On a Hugging Face Space the platform sets
GRADIO_SERVER_NAME/GRADIO_SERVER_PORT, which are honoured, and PCM_WORKSPACE can point the
workspace at persistent storage (e.g. /data).
"""
from __future__ import annotations

import argparse
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from core.workspace import Workspace  # noqa: E402
from webapp import build_app  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    parser.add_argument("--workspace", default=None,
                        help="folder for data/, tokenizers/ and checkpoints/ (default: $PCM_WORKSPACE "
                             "or this project's folder)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    workspace = Workspace.resolve(args.workspace)
    build_app(workspace).queue(default_concurrency_limit=4).launch(
        server_name=args.host, server_port=args.port, share=args.share)


if __name__ == "__main__":
    main()
