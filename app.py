"""Start the web app: `python app.py [--host H] [--port P] [--share] [--workspace DIR] [--demo] …`.

Binds to 127.0.0.1 unless told otherwise. On a Hugging Face Space the platform sets
GRADIO_SERVER_NAME/GRADIO_SERVER_PORT, which are honoured, PCM_WORKSPACE can point the workspace at
persistent storage (e.g. /data), and SPACE_ID turns the public demo mode on.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from core.errors import UserError  # noqa: E402
from core.hosting import AUTH_VARIABLE, DemoLimits, demo_requested, parse_auth  # noqa: E402
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
    parser.add_argument("--demo", action="store_true",
                        help="public demo: bounded training presets, no server folders (on when SPACE_ID is set)")
    parser.add_argument("--allow-local", action="append", metavar="DIR", default=[],
                        help="let the local-files source read this folder (repeatable; off in demo mode)")
    parser.add_argument("--auth", help=f"user:password to log in (default: ${AUTH_VARIABLE}; none = open)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    try:
        demo = demo_requested(args.demo)
        if demo and args.allow_local:
            raise UserError("--allow-local cannot be combined with the public demo mode")
        for folder in args.allow_local:  # a typo would fence every local read out, silently
            if not Path(folder).expanduser().is_dir():
                raise UserError(f"--allow-local {folder}: no such folder")
        workspace = Workspace.resolve(args.workspace).confine(local_roots=tuple(args.allow_local))
        auth = parse_auth(args.auth)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    build_app(workspace, limits=DemoLimits() if demo else None).queue(default_concurrency_limit=4).launch(
        server_name=args.host, server_port=args.port, share=args.share, auth=auth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
