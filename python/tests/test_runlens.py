"""Unit tests of the runlens notebook helper (standard library only; IPython optional).

    python -m unittest discover -s python/tests -v

They use a stand-in template (tests/standin_snapshot.html), not the app's build.
"""

import base64
import html.parser
import json
import os
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
# Test the package in this checkout, also when an older copy is installed.
sys.path.insert(0, str(HERE.parent))

import runlens  # noqa: E402

STANDIN = HERE / "standin_snapshot.html"


def write(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class ScriptText(html.parser.HTMLParser):
    """The text of every <script> element, as a browser's tokenizer would split them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts = []  # (attrs, text)
        self._in = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in = (dict(attrs), [])

    def handle_data(self, data):
        if self._in is not None:
            self._in[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in is not None:
            self.scripts.append((self._in[0], "".join(self._in[1])))
            self._in = None


def payload_of(document: str) -> dict:
    """The payload as the page's JSON.parse would read it from the script element."""
    parser = ScriptText()
    parser.feed(document)
    parser.close()
    found = [text for attrs, text in parser.scripts if attrs.get("id") == "runlens-payload"]
    assert len(found) == 1, f"{len(found)} payload elements"
    return json.loads(found[0])


class TemplateEnv(unittest.TestCase):
    """Tests that run against the stand-in template, whatever is installed."""

    def setUp(self):
        patcher = mock.patch.dict(os.environ, {runlens.ENV_TEMPLATE: str(STANDIN)})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.tmp = Path(tempfile.mkdtemp(prefix="runlens-test-"))
        self.addCleanup(lambda: __import__("shutil").rmtree(self.tmp, ignore_errors=True))


class CollectFiles(TemplateEnv):
    def test_folder_paths_are_relative_to_its_parent(self):
        runs = self.tmp / "runs"
        write(runs / "run_a" / "events.out.tfevents.1.host", b"AAA")
        write(runs / "run_b" / "sub" / "events.out.tfevents.2.host", b"BB")
        write(runs / "params.yaml", b"lr: 1")
        files = runlens.collect_files(runs)
        self.assertEqual(
            [p for p, _ in files],
            ["runs/params.yaml", "runs/run_a/events.out.tfevents.1.host", "runs/run_b/sub/events.out.tfevents.2.host"],
        )
        self.assertEqual(dict(files)["runs/run_a/events.out.tfevents.1.host"], b"AAA")
        # A trailing slash, a relative path and "." name the folder the same way.
        self.assertEqual(runlens.collect_files(str(runs) + "/"), files)
        cwd = os.getcwd()
        try:
            os.chdir(runs)
            self.assertEqual(runlens.collect_files("."), files)
            os.chdir(self.tmp)
            self.assertEqual(runlens.collect_files("runs"), files)
        finally:
            os.chdir(cwd)

    def test_hidden_files_and_git_are_skipped(self):
        runs = self.tmp / "runs"
        write(runs / "a.csv", b"step,loss\n0,1\n")
        write(runs / ".git" / "HEAD", b"ref")
        write(runs / ".DS_Store", b"junk")
        write(runs / "run" / ".hidden" / "x.csv", b"junk")
        write(runs / "run" / "y.csv", b"step,loss\n")
        self.assertEqual([p for p, _ in runlens.collect_files(runs)], ["runs/a.csv", "runs/run/y.csv"])

    def test_a_file_is_given_by_its_name(self):
        f = write(self.tmp / "exp" / "mlflow.db", b"SQLite format 3\0")
        self.assertEqual(runlens.collect_files(f), [("mlflow.db", b"SQLite format 3\0")])

    def test_a_list_of_paths(self):
        write(self.tmp / "logs" / "run_a" / "events.out.tfevents.1.h", b"1")
        f = write(self.tmp / "export.csv", b"2")
        files = runlens.collect_files([self.tmp / "logs", str(f)])
        self.assertEqual([p for p, _ in files], ["logs/run_a/events.out.tfevents.1.h", "export.csv"])

    def test_two_files_with_the_same_browser_path_are_refused(self):
        a = write(self.tmp / "a" / "metrics.csv")
        b = write(self.tmp / "b" / "metrics.csv")
        with self.assertRaisesRegex(ValueError, "same path.*metrics.csv"):
            runlens.collect_files([a, b])

    def test_dict_source(self):
        files = runlens.collect_files({"runs/a.csv": b"step,loss\n0,1\n", "runs\\b.csv": "step,acc\n", "./c.json": bytearray(b"{}")})
        self.assertEqual(files, [("runs/a.csv", b"step,loss\n0,1\n"), ("runs/b.csv", b"step,acc\n"), ("c.json", b"{}")])
        with self.assertRaises(TypeError):
            runlens.collect_files({"a.csv": 3})
        with self.assertRaises(ValueError):
            runlens.collect_files({"./": b""})

    def test_missing_and_empty_sources(self):
        with self.assertRaisesRegex(FileNotFoundError, "no such file or folder"):
            runlens.collect_files(self.tmp / "nope")
        (self.tmp / "empty").mkdir()
        write(self.tmp / "empty" / ".only_hidden")
        with self.assertRaisesRegex(ValueError, "no files"):
            runlens.collect_files(self.tmp / "empty")
        with self.assertRaises(ValueError):
            runlens.collect_files([])
        with self.assertRaises(TypeError):
            runlens.collect_files(42)

    def test_size_cap(self):
        runs = self.tmp / "runs"
        write(runs / "big.bin", b"0" * 3000)
        write(runs / "small.bin", b"0" * 100)
        with mock.patch.object(Path, "read_bytes", side_effect=AssertionError("read before the check")):
            with self.assertRaises(runlens.SourceTooLargeError) as cm:
                runlens.collect_files(runs, max_bytes=1000)
        message = str(cm.exception)
        self.assertIn("max_bytes", message)
        self.assertIn("runs/big.bin", message)
        self.assertIsInstance(cm.exception, ValueError)
        self.assertEqual(len(runlens.collect_files(runs, max_bytes=3100)), 2)
        self.assertEqual(len(runlens.collect_files(runs, max_bytes=None)), 2)
        with self.assertRaises(runlens.SourceTooLargeError):
            runlens.snapshot_html(runs, max_bytes=10)
        self.assertEqual(runlens.DEFAULT_MAX_BYTES, 200 * 1024 * 1024)

    @unittest.skipIf(os.name == "nt", "symbolic links")
    def test_symbolic_links(self):
        runs = self.tmp / "runs"
        write(runs / "run_5" / "a.csv", b"1")
        os.symlink(runs, runs / "run_5" / "loop")  # a loop
        os.symlink(runs / "run_5", runs / "latest")  # inside: read once, as run_5
        os.symlink(self.tmp, runs / "up")  # above
        write(self.tmp / "elsewhere" / "exp1" / "b.csv", b"2")
        os.symlink(self.tmp / "elsewhere" / "exp1", runs / "exp1")  # outside: followed
        os.symlink(self.tmp / "elsewhere" / "exp1", runs / "exp1_again")  # once only
        os.symlink(self.tmp / "nowhere", runs / "dangling")
        self.assertEqual(
            [p for p, _ in runlens.collect_files(runs)], ["runs/exp1/b.csv", "runs/run_5/a.csv"]
        )
        # A linked folder given itself is named by the link.
        os.symlink(runs, self.tmp / "my_runs")
        self.assertEqual(runlens.collect_files(self.tmp / "my_runs")[0][0], "my_runs/exp1/b.csv")


class Payload(TemplateEnv):
    def test_payload_fields(self):
        write(self.tmp / "runs" / "a.csv", b"step,loss\n0,1\n")
        doc = runlens.snapshot_html(self.tmp / "runs", view="table", theme="dark", state="#tab=table&smooth=0.6")
        payload = payload_of(doc)
        self.assertEqual(
            payload,
            {
                "version": 1,
                "files": [{"path": "runs/a.csv", "base64": base64.b64encode(b"step,loss\n0,1\n").decode()}],
                "embed": True,
                "view": "table",
                "theme": "dark",
                "state": "tab=table&smooth=0.6",
                "title": "runlens — runs/",
            },
        )
        self.assertIsNone(payload_of(runlens.snapshot_html(self.tmp / "runs"))["state"])
        state = payload_of(
            runlens.snapshot_html(
                self.tmp / "runs", state={"smooth": 0.6, "log": True, "q": "name ~ 'lr 1'", "hide": ["a&b", "c"]}
            )
        )["state"]
        self.assertEqual(state, "smooth=0.6&log=1&q=name%20~%20%27lr%201%27&hide=a%26b&hide=c")
        self.assertEqual(payload_of(runlens.snapshot_html(self.tmp / "runs", title="Mine", embed=False))["title"], "Mine")

    def test_script_and_quotes_in_names_cannot_break_out(self):
        evil = "runs/</script><script>alert(1)</script><!--\"quote' \u2028\u2029 é.csv"
        data = b"</script>\xff\x00"
        doc = runlens.snapshot_html({evil: data}, title="a </script> title")
        # The template's own scripts are untouched: the payload stays inside its element.
        start = doc.index('id="runlens-payload">')
        end = doc.index("</script>", start)
        raw = doc[start + len('id="runlens-payload">') : end]
        self.assertNotIn("<", raw)
        self.assertNotIn("\u2028", raw)
        self.assertNotIn("\u2029", raw)
        payload = payload_of(doc)
        self.assertEqual(payload["files"][0]["path"], evil)
        self.assertEqual(base64.b64decode(payload["files"][0]["base64"]), data)
        self.assertEqual(payload["title"], "a </script> title")
        self.assertNotIn("<script>alert", doc)
        # The stand-in's script after the payload is still a script element.
        parser = ScriptText()
        parser.feed(doc)
        self.assertEqual(len(parser.scripts), 2)

    def test_file_names_with_quotes_and_angle_brackets_on_disk(self):
        if os.name == "nt":
            self.skipTest("such names are not allowed on Windows")
        runs = self.tmp / "runs"
        name = "a\"b'<!--<script>c.csv"
        write(runs / name, b"step,x\n")
        payload = payload_of(runlens.snapshot_html(runs))
        self.assertEqual(payload["files"][0]["path"], "runs/" + name)

    def test_payload_json_is_json(self):
        text = runlens.payload_json({"a": "</b>\u2028"})
        self.assertEqual(text, '{"a":"\\u003c/b\\u003e\\u2028"}')
        self.assertEqual(json.loads(text), {"a": "</b>\u2028"})

    def test_bad_options(self):
        write(self.tmp / "a.csv")
        with self.assertRaisesRegex(ValueError, "view must be one of"):
            runlens.snapshot_html(self.tmp / "a.csv", view="chart")
        with self.assertRaisesRegex(ValueError, "theme must be one of"):
            runlens.snapshot_html(self.tmp / "a.csv", theme="blue")
        with self.assertRaises(TypeError):
            runlens.snapshot_html(self.tmp / "a.csv", state=3)


class Template(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="runlens-test-"))
        self.addCleanup(lambda: __import__("shutil").rmtree(self.tmp, ignore_errors=True))
        write(self.tmp / "a.csv", b"step,loss\n0,1\n")

    def test_missing_template_says_how_to_build_it(self):
        env = {k: v for k, v in os.environ.items() if k != runlens.ENV_TEMPLATE}
        with mock.patch.dict(os.environ, env, clear=True), mock.patch.object(
            runlens, "PACKAGE_TEMPLATE", self.tmp / "_app" / "snapshot.html"
        ), mock.patch.object(runlens, "_PACKAGE_DIR", self.tmp / "site" / "runlens"):
            with self.assertRaises(runlens.TemplateNotFoundError) as cm:
                runlens.snapshot_html(self.tmp / "a.csv")
            self.assertIsInstance(cm.exception, FileNotFoundError)
            message = str(cm.exception)
            self.assertIn("trunk build --release", message)
            self.assertIn("pip install ./python", message)
            self.assertIn("RUNLENS_SNAPSHOT", message)
            # The template is looked for before any file is read.
            with self.assertRaises(runlens.TemplateNotFoundError):
                runlens.snapshot_html(self.tmp / "does-not-exist")

    def test_env_naming_no_file(self):
        with mock.patch.dict(os.environ, {runlens.ENV_TEMPLATE: str(self.tmp / "nope.html")}):
            with self.assertRaisesRegex(runlens.TemplateNotFoundError, "RUNLENS_SNAPSHOT=.*names no file"):
                runlens.snapshot_html(self.tmp / "a.csv")

    def test_packaged_template_is_used(self):
        packaged = self.tmp / "_app" / "snapshot.html"
        write(packaged, STANDIN.read_bytes())
        env = {k: v for k, v in os.environ.items() if k != runlens.ENV_TEMPLATE}
        with mock.patch.dict(os.environ, env, clear=True), mock.patch.object(runlens, "PACKAGE_TEMPLATE", packaged):
            self.assertEqual(runlens.find_template(), packaged)
            self.assertEqual(payload_of(runlens.snapshot_html(self.tmp / "a.csv"))["files"][0]["path"], "a.csv")

    def test_a_file_without_the_placeholder_is_refused(self):
        bad = write(self.tmp / "bad.html", b"<html><script>null</script></html>")
        with mock.patch.dict(os.environ, {runlens.ENV_TEMPLATE: str(bad)}):
            with self.assertRaisesRegex(runlens.RunlensError, "exactly once"):
                runlens.snapshot_html(self.tmp / "a.csv")


class SrcdocAttr(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.iframes = []

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.iframes.append(dict(attrs))


class ShowAndSave(TemplateEnv):
    def test_iframe_srcdoc_round_trips(self):
        doc = runlens.snapshot_html({"runs/q\"uote&amp;.csv": b"1"})
        markup = runlens.iframe_html(doc, height=500, title='t "x"')
        self.assertTrue(markup.startswith("<div"))
        parser = SrcdocAttr()
        parser.feed(markup)
        self.assertEqual(len(parser.iframes), 1)
        iframe = parser.iframes[0]
        self.assertEqual(iframe["srcdoc"], doc)
        self.assertEqual(iframe["style"], "width:100%;height:500px;border:0")
        self.assertNotIn("sandbox", iframe)
        self.assertEqual(iframe["title"], 't "x"')
        self.assertIn("height:80vh", runlens.iframe_html(doc, height="80vh"))

    def test_show_returns_ipython_html(self):
        try:
            import IPython.display  # noqa: F401
        except ImportError:
            self.skipTest("IPython is not installed")
        write(self.tmp / "runs" / "a.csv", b"step,loss\n0,1\n")
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error")  # IPython warns about bare <iframe> HTML
            shown = runlens.show(self.tmp / "runs", view="scatter", height=450)
        from IPython.display import HTML

        self.assertIsInstance(shown, HTML)
        parser = SrcdocAttr()
        parser.feed(shown.data)
        payload = payload_of(parser.iframes[0]["srcdoc"])
        self.assertEqual(payload["view"], "scatter")
        self.assertEqual(payload["files"][0]["path"], "runs/a.csv")
        self.assertIn("height:450px", parser.iframes[0]["style"])
        self.assertIn("srcdoc=", shown._repr_html_())

    def test_save_writes_the_page(self):
        write(self.tmp / "runs" / "a.csv", b"step,loss\n0,1\n")
        out = runlens.save(self.tmp / "runs", self.tmp / "out.html", view="table")
        self.assertEqual(out, self.tmp / "out.html")
        text = out.read_text(encoding="utf-8")
        self.assertEqual(text, runlens.snapshot_html(self.tmp / "runs", view="table"))
        self.assertEqual(payload_of(text)["view"], "table")

    def test_command_line(self):
        import contextlib
        import io

        from runlens.__main__ import main

        write(self.tmp / "runs" / "a.csv", b"step,loss\n0,1\n")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main([str(self.tmp / "runs"), "-o", str(self.tmp / "x.html"), "--view", "table", "--chrome"])
        self.assertEqual(code, 0, out.getvalue())
        payload = payload_of((self.tmp / "x.html").read_text(encoding="utf-8"))
        self.assertEqual((payload["view"], payload["embed"]), ("table", False))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(main([str(self.tmp / "runs"), "-o", str(self.tmp / "y.html"), "--max-bytes", "3"]), 1)
        self.assertIn("max_bytes", err.getvalue())


if __name__ == "__main__":
    unittest.main()
