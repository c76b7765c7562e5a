// The send-path benchmark inside Pyodide under Node: loads the built wheel by path (the npm
// package is core-only) and runs condis_edu.bench.main(). Extra arguments go to the bench.
//
//   node tests/pyodide/bench.mjs --wheel dist/condis_edu-0.1.0-py3-none-any.whl [-- --json --nbls 100000]
import { loadPyodide } from "pyodide";
import { existsSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const dd = args.indexOf("--");
const extra = dd >= 0 && args.length > dd + 1 ? args.slice(dd + 1) : [];

const wheel = resolve(ROOT, opt("--wheel") ?? "dist/condis_edu-0.1.0-py3-none-any.whl");
if (!existsSync(wheel)) { console.error(`error: wheel not found: ${wheel} (run make wheel)`); process.exit(2); }

const py = await loadPyodide();
const decoder = new TextDecoder();
py.setStdout({ write: (buf) => { process.stdout.write(decoder.decode(buf)); return buf.length; } });
py.setStderr({ write: (buf) => { process.stderr.write(decoder.decode(buf)); return buf.length; } });
const errors = [];
await py.loadPackage([wheel], { errorCallback: (m) => errors.push(m), messageCallback: () => {} });
if (errors.length) { console.error("error: loading the wheel failed:\n" + errors.join("\n")); process.exit(2); }
py.globals.set("BENCH_ARGS", py.toPy(extra));
const rc = await py.runPythonAsync(`
import condis_edu.bench
condis_edu.bench.main(list(BENCH_ARGS))
`);
process.exit(rc ?? 0);
