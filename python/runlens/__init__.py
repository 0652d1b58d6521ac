"""runlens in a notebook: show TensorBoard, MLflow, W&B, DVC and CSV runs with the
runlens dashboard, self-contained (no server, no network), in Jupyter and in exported HTML.

    import runlens
    runlens.show("runs/")                      # the charts of a TensorBoard logdir
    runlens.show("mlruns/", view="table")      # an MLflow file store as the runs table
    runlens.save("runs/", "runs.html")         # a standalone page to share

The files are read here, embedded (base64) in a copy of the whole app — wasm, JS, CSS and
plotly.js inlined in one HTML file, the *snapshot template* built with the app — and the
page imports them into the browser's IndexedDB, exactly as a dropped folder. ``show``
returns an ``<iframe srcdoc=…>`` in an ``IPython.display.HTML``; it survives
``jupyter nbconvert --to html`` and opens with the network off.

Only the standard library is used; IPython is imported by :func:`show` alone.
"""

from __future__ import annotations

import base64
import html
import json
import os
import stat
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Tuple, Union
from urllib.parse import quote, urlencode

__version__ = "0.1.0"

__all__ = [
    "show",
    "snapshot_html",
    "save",
    "iframe_html",
    "collect_files",
    "build_payload",
    "payload_json",
    "find_template",
    "RunlensError",
    "TemplateNotFoundError",
    "SourceTooLargeError",
    "DEFAULT_MAX_BYTES",
    "VIEWS",
    "THEMES",
]

#: Refuse sources larger than this (total bytes of every file) unless ``max_bytes`` says
#: otherwise: the bytes are embedded base64 (+33 %) in the notebook or page.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024

VIEWS = ("charts", "table", "confusion", "parallel", "scatter", "diff", "importance")
THEMES = ("auto", "light", "dark")

#: The element of the template that the payload replaces; present exactly once.
PLACEHOLDER = '<script type="application/json" id="runlens-payload">null</script>'
_PLACEHOLDER_OPEN = '<script type="application/json" id="runlens-payload">'

#: Environment variable naming a snapshot template to use instead of the packaged one.
ENV_TEMPLATE = "RUNLENS_SNAPSHOT"

_PACKAGE_DIR = Path(__file__).resolve().parent
#: Where ``pip install ./python`` puts the template (package data, when it was built).
PACKAGE_TEMPLATE = _PACKAGE_DIR / "_app" / "snapshot.html"

Source = Union[str, os.PathLike, Iterable[Union[str, os.PathLike]], Mapping[str, Union[bytes, str]]]


class RunlensError(Exception):
    """Base class of this package's errors."""


class TemplateNotFoundError(RunlensError, FileNotFoundError):
    """The app's snapshot template (``snapshot.html``) is not installed or not found."""


class SourceTooLargeError(RunlensError, ValueError):
    """The files to embed add up to more than ``max_bytes``."""


# --------------------------------------------------------------------------- files


def _human(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024.0
    return f"{n} bytes"  # pragma: no cover


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _normalize_rel(path: str) -> str:
    parts = [p for p in str(path).replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts)


def _walk(top: Path, prefix: str) -> List[Tuple[str, Path, int]]:
    """Every regular, non-hidden file under ``top`` as (relative path, path, size), in a
    stable order. A symbolic link to a folder outside ``top`` is followed, under the link's
    name; one to a folder inside ``top`` (``latest -> run_5``) or above it is not: that
    folder is read once, under its own name, and no link loops."""
    found: List[Tuple[str, Path, int]] = []
    top_real = os.path.realpath(top)
    followed = set()
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        keep = []
        for d in sorted(dirnames):
            if _hidden(d):
                continue
            full = os.path.join(dirpath, d)
            if os.path.islink(full):
                real = os.path.realpath(full)
                inside = real == top_real or real.startswith(top_real.rstrip(os.sep) + os.sep)
                above = top_real.startswith(real.rstrip(os.sep) + os.sep)
                if inside or above or real in followed:
                    continue
                followed.add(real)
            keep.append(d)
        dirnames[:] = keep
        rel_dir = os.path.relpath(dirpath, top)
        for name in sorted(filenames):
            if _hidden(name):
                continue
            full = Path(dirpath) / name
            try:
                st = full.stat()
            except OSError:
                continue  # a dangling link
            if not stat.S_ISREG(st.st_mode):
                continue
            rel = name if rel_dir == "." else os.path.join(rel_dir, name)
            rel = rel.replace(os.sep, "/")
            found.append((f"{prefix}/{rel}" if prefix else rel, full, st.st_size))
    return found


def _entries(source: Source) -> Tuple[List[Tuple[str, object, int]], str]:
    """(relative path, Path or bytes, size) for every file of ``source``, and a title."""
    if isinstance(source, Mapping):
        entries: List[Tuple[str, object, int]] = []
        for key, value in source.items():
            rel = _normalize_rel(key)
            if not rel:
                raise ValueError(f"runlens: empty file path {key!r} in the dict source")
            if isinstance(value, str):
                data = value.encode("utf-8")
            elif isinstance(value, (bytes, bytearray, memoryview)):
                data = bytes(value)
            else:
                raise TypeError(
                    f"runlens: the dict source maps paths to bytes; {key!r} holds a "
                    f"{type(value).__name__}"
                )
            entries.append((rel, data, len(data)))
        n = len(entries)
        return entries, f"runlens — {n} file{'s' if n != 1 else ''}"

    if isinstance(source, (str, os.PathLike)):
        paths = [source]
    elif isinstance(source, Iterable) and not isinstance(source, (bytes, bytearray)):
        paths = list(source)
        if not paths:
            raise ValueError("runlens: the list of paths is empty")
    else:
        raise TypeError(
            "runlens: source is a path (file or folder), a list of paths, or a dict "
            f"{{relative_path: bytes}}, not {type(source).__name__}"
        )

    entries = []
    names = []
    for p in paths:
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"runlens: not a path: {p!r}")
        path = Path(os.path.expanduser(os.fspath(p)))
        if not path.exists():
            raise FileNotFoundError(f"runlens: no such file or folder: {os.fspath(p)}")
        # The name the browser would give the dropped item: its last component (also for
        # "." or "runs/"), a symbolic link's own name rather than its target's.
        name = os.path.basename(os.path.abspath(path))
        if path.is_dir():
            entries.extend(_walk(path, name))
            names.append(f"{name}/" if name else os.fspath(p))
        else:
            size = path.stat().st_size
            entries.append((name, path, size))
            names.append(name)
    title = "runlens — " + ", ".join(names)
    if len(title) > 120:
        title = title[:119] + "…"
    return entries, title


def collect_files(source: Source, max_bytes: Optional[int] = DEFAULT_MAX_BYTES) -> List[Tuple[str, bytes]]:
    """The files of ``source`` as ``[(relative_path, bytes)]``, as the browser would see
    them dropped.

    ``source`` is a path to a file or folder, a list of such paths, or a dict
    ``{relative_path: bytes}`` (``str`` values are encoded as UTF-8). A folder is walked,
    each file's path given relative to the folder's *parent* (``runs/`` gives
    ``runs/run_a/events.out.tfevents…``); hidden files and folders (``.git``,
    ``.DS_Store``…) are skipped. Raises :class:`SourceTooLargeError` when the files add up
    to more than ``max_bytes`` (``None``: no limit), before any is read.
    """
    return _collect(source, max_bytes)[0]


def _collect(source: Source, max_bytes: Optional[int]) -> Tuple[List[Tuple[str, bytes]], str]:
    entries, title = _entries(source)
    if not entries:
        raise ValueError(f"runlens: no files to show in {_describe(source)} (hidden files are skipped)")
    seen: Dict[str, int] = {}
    for rel, _, _ in entries:
        seen[rel] = seen.get(rel, 0) + 1
    dupes = [rel for rel, n in seen.items() if n > 1]
    if dupes:
        raise ValueError(
            "runlens: two files would have the same path in the browser: "
            + ", ".join(dupes[:5])
            + " — pass one parent folder, or a dict {relative_path: bytes}"
        )
    total = sum(size for _, _, size in entries)
    if max_bytes is not None and total > max_bytes:
        biggest = sorted(entries, key=lambda e: -e[2])[:3]
        raise SourceTooLargeError(
            f"runlens: {_describe(source)} holds {_human(total)} in {len(entries)} files, more "
            f"than the {_human(max_bytes)} limit (max_bytes={max_bytes}); every byte is "
            "embedded base64 in the notebook or page. Largest: "
            + ", ".join(f"{rel} ({_human(size)})" for rel, _, size in biggest)
            + ". Pass a smaller folder or file list, or raise the limit with max_bytes=…"
        )
    files = []
    for rel, what, _ in entries:
        data = what if isinstance(what, bytes) else Path(what).read_bytes()
        files.append((rel, data))
    return files, title


def _describe(source: Source) -> str:
    if isinstance(source, Mapping):
        return "the dict source"
    if isinstance(source, (str, os.PathLike)):
        return repr(os.fspath(source))
    return "the given paths"


# --------------------------------------------------------------------------- payload


def _state_string(state) -> Optional[str]:
    if state is None:
        return None
    if isinstance(state, Mapping):
        pairs = []
        for key, value in state.items():
            # A list repeats the key (hide=a&hide=b), as the app writes it.
            for v in value if isinstance(value, (list, tuple, set, frozenset)) else [value]:
                pairs.append((str(key), _state_value(v)))
        # Percent-encoded as the app does (%20, never +); `,` `:` `/` kept readable.
        s = urlencode(pairs, quote_via=quote, safe=",:/")
    elif isinstance(state, str):
        s = state
    else:
        raise TypeError(
            "runlens: state is the app's URL-hash view state, as a string "
            "('smooth=0.9&log=1') or a dict ({'smooth': 0.9, 'log': True}), not "
            + type(state).__name__
        )
    s = s.lstrip("#")
    return s or None


def _state_value(v) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"  # log=1
    return str(v)


def _check_options(view: str, theme: str) -> None:
    if view not in VIEWS:
        raise ValueError(f"runlens: view must be one of {', '.join(VIEWS)}; not {view!r}")
    if theme not in THEMES:
        raise ValueError(f"runlens: theme must be one of {', '.join(THEMES)}; not {theme!r}")


def build_payload(
    files: List[Tuple[str, bytes]],
    view: str = "charts",
    theme: str = "auto",
    state=None,
    title: Optional[str] = None,
    embed: bool = True,
) -> dict:
    """The payload object the snapshot template reads (version 1)."""
    _check_options(view, theme)
    return {
        "version": 1,
        "files": [
            {"path": path, "base64": base64.b64encode(data).decode("ascii")} for path, data in files
        ],
        "embed": bool(embed),
        "view": view,
        "theme": theme,
        "state": _state_string(state),
        "title": title if title is not None else "runlens",
    }


def payload_json(payload: dict) -> str:
    """The payload as JSON safe inside ``<script type="application/json">``: every ``<``
    is written ``\\u003c`` (so no ``</script>`` or ``<!--`` can appear), and U+2028/U+2029
    are escaped. ``JSON.parse`` reads it back unchanged."""
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    # ensure_ascii already escapes U+2028/U+2029 and every non-ASCII character; the
    # replacements below are cheap when absent (base64 never holds these).
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# --------------------------------------------------------------------------- template

_template_cache: Dict[Tuple[str, int, int], str] = {}


def find_template() -> Path:
    """The snapshot template to use: ``$RUNLENS_SNAPSHOT`` when set, else the one installed
    with the package (``runlens/_app/snapshot.html``), else — when this package is used from
    a runlens checkout — the checkout's ``dist/snapshot.html``."""
    env = os.environ.get(ENV_TEMPLATE)
    if env:
        path = Path(os.path.expanduser(env))
        if not path.is_file():
            raise TemplateNotFoundError(
                f"runlens: {ENV_TEMPLATE}={env} names no file. Point it at the app's "
                "dist/snapshot.html (built by `trunk build --release`), or unset it to use the "
                "template installed with the package."
            )
        return path
    if PACKAGE_TEMPLATE.is_file():
        return PACKAGE_TEMPLATE
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "Trunk.toml").is_file() and (checkout / "dist" / "snapshot.html").is_file():
        return checkout / "dist" / "snapshot.html"
    raise TemplateNotFoundError(
        "runlens: the app's snapshot template is not installed "
        f"({PACKAGE_TEMPLATE} is missing). It is built with the app: in the runlens "
        "repository run `trunk build --release` (./scripts/serve.sh builds too), which "
        "writes dist/snapshot.html and copies it to python/runlens/_app/, then `pip install "
        f"./python` again. Or set {ENV_TEMPLATE}=/path/to/dist/snapshot.html."
    )


def _load_template() -> str:
    path = find_template()
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    text = _template_cache.get(key)
    if text is None:
        text = path.read_text(encoding="utf-8")
        count = text.count(PLACEHOLDER)
        if count != 1:
            raise RunlensError(
                f"runlens: {path} is not a runlens snapshot template: it should hold "
                f"{PLACEHOLDER} exactly once, and holds it {count} times. Rebuild the app "
                "(`trunk build --release`) and reinstall the package."
            )
        _template_cache.clear()
        _template_cache[key] = text
    return text


# --------------------------------------------------------------------------- public API


def _snapshot(source, view, theme, state, title, embed, max_bytes) -> Tuple[str, str]:
    """The page and its title. Arguments and the template are checked before any file is
    read."""
    _check_options(view, theme)
    _state_string(state)
    template = _load_template()
    files, default_title = _collect(source, max_bytes)
    page_title = title if title is not None else default_title
    payload = build_payload(files, view=view, theme=theme, state=state, title=page_title, embed=embed)
    before, after = template.split(PLACEHOLDER, 1)
    return before + _PLACEHOLDER_OPEN + payload_json(payload) + "</script>" + after, page_title


def snapshot_html(
    source: Source,
    view: str = "charts",
    theme: str = "auto",
    state=None,
    *,
    title: Optional[str] = None,
    embed: bool = True,
    max_bytes: Optional[int] = DEFAULT_MAX_BYTES,
) -> str:
    """A standalone HTML page — the whole app and the files of ``source`` — that opens in
    any browser without a server or network and shows ``view``.

    ``view``: charts, table, confusion, parallel, scatter, diff or importance. ``theme``:
    auto, light or dark. ``state``: the app's URL-hash view state (``"smooth=0.9&log=1"``, or
    a dict ``{"smooth": 0.9, "log": True, "hide": ["run_b"]}``). ``embed``: hide the app's chrome (top bar, import). ``max_bytes``: the size cap
    (``None``: none)."""
    return _snapshot(source, view, theme, state, title, embed, max_bytes)[0]


def iframe_html(document: str, height: Union[int, str] = 600, title: str = "runlens") -> str:
    """``document`` in an ``<iframe srcdoc>`` (not sandboxed: the app needs IndexedDB and
    blob workers), wrapped in a ``<div>``."""
    if isinstance(height, bool) or not isinstance(height, (int, float, str)):
        raise TypeError("runlens: height is a number of pixels or a CSS length")
    css_height = f"{height}px" if isinstance(height, (int, float)) else height
    return (
        '<div class="runlens-snapshot">'
        f'<iframe srcdoc="{html.escape(document, quote=True)}" '
        f'title="{html.escape(title, quote=True)}" '
        f'style="width:100%;height:{html.escape(css_height, quote=True)};border:0" '
        'allow="clipboard-write; fullscreen"></iframe></div>'
    )


def show(
    source: Source,
    view: str = "charts",
    height: Union[int, str] = 600,
    theme: str = "auto",
    state=None,
    *,
    title: Optional[str] = None,
    embed: bool = True,
    max_bytes: Optional[int] = DEFAULT_MAX_BYTES,
):
    """Show the runs of ``source`` in a notebook: an ``IPython.display.HTML`` holding the app
    and the files in an ``<iframe srcdoc>`` ``height`` pixels high (or a CSS length).

    ``source``: a path to a file or folder (a TensorBoard logdir, ``mlruns/``,
    ``mlflow.db``, a W&B run folder, CSVs, DVC files…), a list of paths, or a dict
    ``{relative_path: bytes}``. The other arguments as :func:`snapshot_html`.
    """
    document, page_title = _snapshot(source, view, theme, state, title, embed, max_bytes)
    markup = iframe_html(document, height=height, title=page_title)
    try:
        from IPython.display import HTML
    except ImportError as e:  # pragma: no cover - IPython is in every notebook kernel
        raise ImportError(
            "runlens.show needs IPython (run it in a Jupyter kernel); "
            "runlens.snapshot_html and runlens.save work without it"
        ) from e
    return HTML(markup)


def save(
    source: Source,
    path: Union[str, os.PathLike],
    view: str = "charts",
    theme: str = "auto",
    state=None,
    *,
    title: Optional[str] = None,
    embed: bool = True,
    max_bytes: Optional[int] = DEFAULT_MAX_BYTES,
) -> Path:
    """Write :func:`snapshot_html` of ``source`` to ``path`` (a standalone .html that opens
    offline, by double-click); returns the path."""
    document = snapshot_html(
        source, view=view, theme=theme, state=state, title=title, embed=embed, max_bytes=max_bytes
    )
    out = Path(os.path.expanduser(os.fspath(path)))
    out.write_text(document, encoding="utf-8")
    return out
