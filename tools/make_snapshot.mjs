// Make the site's Pyodide memory snapshot: Python already booted, condis-edu already imported.
//
//   node tools/make_snapshot.mjs site/pyodide
//
// Booting CPython inside Pyodide (interpreter start-up, `_pyodide` bootstrap, the first imports)
// costs about 1.8 s in Chromium on a 2-core machine, every time a reader presses their first Run.
// The heap at the end of that work is the same for every reader, so the build does it once, here,
// and the site serves the heap (`condis-snapshot.bin`, ~25 MB, ~6 MB gzip'd). The worker hands it
// to `loadPyodide({_loadSnapshot})`, which restores the heap instead of booting.
//
// What a snapshot does not hold is the file system (Emscripten's MEMFS lives in JavaScript): the
// worker unpacks the same wheel again after restoring, so files, metadata and any module not
// imported here are still found on disk.
//
// The snapshot only fits the pyodide.asm.wasm it was made with (Pyodide checks its BUILD_ID) and
// only matches the wheel it imported, so `condis-snapshot.json` records the wheel's sha256 and the
// worker falls back to a normal start when the lock names another wheel. Before writing anything,
// this script restores the snapshot in a second Pyodide and runs a simulation in it.
import { loadPyodide } from "pyodide";
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { resolve } from "node:path";

const dir = resolve(process.argv[2] ?? "site/pyodide") + "/";
const lock = JSON.parse(readFileSync(dir + "pyodide-lock.json", "utf8"));
const entry = lock.packages["condis-edu"];
if (!entry) throw new Error(`${dir}pyodide-lock.json has no condis-edu entry`);
const wheel = new Uint8Array(readFileSync(dir + entry.file_name));
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
if (sha256(wheel) !== entry.sha256) throw new Error(`${entry.file_name} does not match the lock's sha256`);

// The worker passes the same environment (a fixed hash seed: every reader shares this heap anyway,
// so the build might as well be reproducible in what it hashes). loadPyodide adds to the object it
// is given, hence a fresh copy per call.
const ENV = { HOME: "/home/pyodide", PYTHONHASHSEED: "0" };
const options = () => ({ env: { ...ENV }, stdout: () => {}, stderr: () => {} });

// Modules worth having in the heap: the whole package (the engine and condis_edu.harness.cells, the worker's
// cell executor, with their imports), and what unpacking a wheel needs (the worker unpacks one right
// after the restore).
const WARM = `
import importlib, pkgutil, sys
import condis_edu
for info in pkgutil.walk_packages(condis_edu.__path__, "condis_edu."):
    importlib.import_module(info.name)
import shutil, zipfile, pathlib
len(sys.modules)
`;

const started = performance.now();
// Node prints the (minified, one-line) source of a throwing line for uncaught errors: say only what failed.
process.on("uncaughtException", (error) => {
  console.error(`make_snapshot: ${error.message || error}`);
  process.exit(1);
});
const maker = await loadPyodide({ indexURL: dir, _makeSnapshot: true, ...options() });
const purelib = maker.runPython("import sysconfig; sysconfig.get_path('purelib')").replace(/^\/+/, "/");
maker.unpackArchive(wheel, "wheel", { extractDir: purelib });
const modules = maker.runPython(WARM);
const snapshot = maker.makeMemorySnapshot();

// Check it before shipping it: restore, unpack, simulate.
const check = await loadPyodide({ indexURL: dir, _loadSnapshot: snapshot, ...options() });
check.unpackArchive(wheel, "wheel", { extractDir: purelib });
const verdict = check.runPython(`
import sys
from condis_edu.testing import loopback_machine
m, nic = loopback_machine()
len(sys.modules) >= ${modules} and "condis_edu.ndis" in sys.modules and "condis_edu.harness.cells" in sys.modules and len(m.trace) > 0
`);
if (verdict !== true) throw new Error("the restored snapshot did not run a simulation");

const meta = {
  pyodide: maker.version,
  wheel: entry.file_name,
  wheel_sha256: entry.sha256,
  purelib,
  modules,
  size: snapshot.length,
  // What the worker downloads: decoded sizes (its progress bar, when the server gzips them) and
  // sha256 (the keys of its runtime cache, web/runtime-cache.js).
  files: Object.fromEntries(
    ["pyodide.asm.wasm", "python_stdlib.zip", "condis-snapshot.bin", entry.file_name].map((name) => {
      const bytes = name === "condis-snapshot.bin" ? snapshot : readFileSync(dir + name);
      return [name, { size: bytes.length, sha256: sha256(bytes) }];
    }),
  ),
  env: ENV,
};
writeFileSync(dir + "condis-snapshot.bin", snapshot);
writeFileSync(dir + "condis-snapshot.json", JSON.stringify(meta, null, 1) + "\n");
console.log(
  `snapshot: ${(snapshot.length / 1e6).toFixed(1)} MB heap, ${modules} modules, condis-edu ${entry.file_name} ` +
    `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
