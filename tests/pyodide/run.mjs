// Pyodide tier: run the engine's test suite, the package doctests and every notebook INSIDE Pyodide
// under Node. Wheels are loaded by file path (the npm package is core-only: loading by name would try a
// CDN), and the repository is mounted at /repo so tests find examples/ and docs/ where they expect.
//
//   node tests/pyodide/run.mjs --wheel dist/condis_edu-0.1.0-py3-none-any.whl --wheels build/pyodide-test-wheels [-- pytest args]
import { loadPyodide } from "pyodide";
import { readdirSync, existsSync } from "node:fs";
import { resolve, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const dd = args.indexOf("--");
const extra = dd >= 0 ? args.slice(dd + 1) : [];

const wheel = resolve(ROOT, opt("--wheel") ?? "");
const wheelDir = resolve(ROOT, opt("--wheels") ?? "build/pyodide-test-wheels");
if (!existsSync(wheel)) { console.error(`error: wheel not found: ${wheel} (run make wheel)`); process.exit(2); }
if (!existsSync(wheelDir)) { console.error(`error: test wheels not found in ${wheelDir}`); process.exit(2); }
const wheels = [wheel, ...readdirSync(wheelDir).filter((f) => f.endsWith(".whl")).map((f) => join(wheelDir, f))];

const t0 = performance.now();
const py = await loadPyodide();
// Raw writes, so pytest's progress dots and summary come out exactly as in CPython.
const decoder = new TextDecoder();
py.setStdout({ write: (buf) => { process.stdout.write(decoder.decode(buf)); return buf.length; } });
py.setStderr({ write: (buf) => { process.stderr.write(decoder.decode(buf)); return buf.length; } });
const errors = [];
await py.loadPackage(wheels, { errorCallback: (m) => errors.push(m), messageCallback: () => {} });
if (errors.length) { console.error("error: loading wheels failed:\n" + errors.join("\n")); process.exit(2); }
console.log(`Pyodide ${py.version} (Python ${py.runPython("import sys; sys.version.split()[0]")}) ready in ` +
  `${((performance.now() - t0) / 1000).toFixed(1)} s with ${wheels.length} wheels`);

py.FS.mkdirTree("/repo");
py.mountNodeFS("/repo", ROOT);
py.globals.set("EXTRA_ARGS", py.toPy(extra));
const rc = await py.runPythonAsync(`
import os, sys, pytest, condis_edu
os.chdir("/repo")
os.environ["CONDIS_RUNTIME"] = "pyodide"
# The engine under test is the installed wheel, never /repo/src.
assert "/repo/src" not in condis_edu.__file__, condis_edu.__file__
pkg = os.path.dirname(condis_edu.__file__)
args = ["-q", "-p", "no:cacheprovider", "--rootdir", "/repo", "-c", "/repo/pyproject.toml",
        "tests/engine", "tests/pyodide", "tests/docs/test_exercises.py", "tests/docs/test_nbexec.py",
        "tests/docs/test_markdown_blocks.py", pkg, *EXTRA_ARGS]
int(pytest.main(args))
`);
process.exit(rc);
