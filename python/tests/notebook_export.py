"""Runs runlens.show in a real Jupyter kernel and exports the notebook to HTML.

    .venv-py/bin/python python/tests/notebook_export.py OUT.html [--source PATH] [--ipynb OUT.ipynb]

Builds a notebook (nbformat) whose code cells are

    import runlens
    runlens.show("<repo>/crates/core/tests/fixtures/tensorboard/tbx", height=500)

    runlens.show("<repo>/crates/core/tests/fixtures/tensorboard/tbx", view='table', height=300)

executes it with nbclient in an ipykernel (the runlens installed in this Python, i.e. with
its packaged snapshot template), checks each cell displayed one srcdoc iframe and raised
nothing, and writes what `jupyter nbconvert --to html` would (nbconvert's HTMLExporter).
tests/e2e/notebook.test.mjs then opens OUT.html in Chromium with the network off.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO / "crates/core/tests/fixtures/tensorboard/tbx"


def build_notebook(source: Path):
    import nbformat.v4 as v4

    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# runlens in a notebook\nA TensorBoard logdir, shown by `runlens.show`."),
        v4.new_code_cell(f"import runlens\nrunlens.show({str(source)!r}, height=500)"),
        v4.new_markdown_cell("The same runs as a table, in a second output with a database of its own."),
        v4.new_code_cell(f"runlens.show({str(source)!r}, view='table', height=300)"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="the exported HTML file to write")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="what runlens.show is given")
    parser.add_argument("--ipynb", type=Path, help="also write the executed notebook here")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    args = parser.parse_args(argv)

    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")  # silences jupyter_core's notice
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = build_notebook(args.source.resolve())
    with tempfile.TemporaryDirectory(prefix="runlens-nb-") as cwd:
        # python3: ipykernel's own kernel spec, i.e. this very Python.
        NotebookClient(nb, timeout=args.timeout, kernel_name="python3", resources={"metadata": {"path": cwd}}).execute()

    html_size = 0
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if errors:
            print("the cell raised:\n" + "\n".join(errors[0].get("traceback", [])), file=sys.stderr)
            return 1
        shown = [o for o in cell.outputs if "text/html" in o.get("data", {})]
        if len(shown) != 1 or "<iframe srcdoc=" not in shown[0]["data"]["text/html"]:
            print(f"expected one text/html output holding an <iframe srcdoc>, got {cell.outputs!r:.500}", file=sys.stderr)
            return 1
        html_size += len(shown[0]["data"]["text/html"])

    if args.ipynb:
        nbformat.write(nb, str(args.ipynb))
    body, _ = HTMLExporter().from_notebook_node(nb)
    args.out.write_text(body, encoding="utf-8")
    print(f"wrote {args.out} ({len(body) / 1e6:.1f} MB; the runlens outputs {html_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
