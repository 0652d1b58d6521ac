"""python -m runlens SOURCE... -o runs.html: a standalone runlens page from the shell."""

import argparse
import sys

from . import DEFAULT_MAX_BYTES, THEMES, VIEWS, RunlensError, save


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m runlens",
        description="Write a standalone runlens page (the app and the files; opens offline).",
    )
    parser.add_argument("sources", nargs="+", help="files or folders (a TensorBoard logdir, mlruns/, mlflow.db, ...)")
    parser.add_argument("-o", "--output", required=True, help="the .html file to write")
    parser.add_argument("--view", choices=VIEWS, default="charts")
    parser.add_argument("--theme", choices=THEMES, default="auto")
    parser.add_argument("--state", help="the app's URL-hash view state, e.g. 'smooth=0.9&log=1'")
    parser.add_argument("--title")
    parser.add_argument("--chrome", action="store_true", help="keep the app's top bar and import (embed off)")
    parser.add_argument(
        "--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help=f"size cap in bytes (default {DEFAULT_MAX_BYTES}; 0: none)"
    )
    args = parser.parse_args(argv)
    source = args.sources[0] if len(args.sources) == 1 else args.sources
    try:
        out = save(
            source,
            args.output,
            view=args.view,
            theme=args.theme,
            state=args.state,
            title=args.title,
            embed=not args.chrome,
            max_bytes=args.max_bytes or None,
        )
    except (RunlensError, OSError, ValueError, TypeError) as e:
        print(e, file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
