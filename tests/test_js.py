"""Every browser script is plain ES5: no build step, and it must run in the old
browsers the EventSource polyfill is there for. Acorn (ecmaVersion 5) decides."""
import glob
import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, unavailable

ACORN = os.path.join(ROOT, "tests", "js", "node_modules", "acorn", "dist", "acorn.js")
CHECK = """
const acorn = require(process.argv[1]), fs = require('fs'), errors = {};
for (const file of process.argv.slice(2)) {
  try { acorn.parse(fs.readFileSync(file, 'utf8'), {ecmaVersion: 5, sourceType: 'script'}); errors[file] = null; }
  catch (error) { errors[file] = error.message; }
}
console.log(JSON.stringify(errors));
"""


def es5_errors(paths):
    """{path: None, or acorn's complaint} for each file."""
    node = shutil.which("node")
    if node is None:
        unavailable("needs Node.js to run acorn: apt-get install -y nodejs")
    if not os.path.exists(ACORN):
        unavailable("needs acorn: npm ci --prefix tests/js")
    done = subprocess.run([node, "-e", CHECK, ACORN, *paths], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def test_every_file_in_static_js_parses_as_es5():
    files = sorted(glob.glob(os.path.join(ROOT, "static", "js", "*.js")))
    assert len(files) >= 10
    assert es5_errors(files) == {path: None for path in files}


@pytest.mark.parametrize("snippet", [
    "let a = 1;", "const a = 1;", "var f = () => 1;", "class A {}", "var s = `text`;",
    "function f(a = 1) {}", "var {a} = b;", "for (var x of y) {}", "var o = {...p};",
    "async function f() {}", "import x from 'y';",
])
def test_the_es5_check_refuses_newer_syntax(tmp_path, snippet):
    path = tmp_path / "newer.js"
    path.write_text(snippet)
    assert es5_errors([str(path)])[str(path)] is not None
