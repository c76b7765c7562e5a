// The Pyodide worker. One per site session (the page script keeps it across instant navigation).
//
// page -> worker: {type:"init", indexURL, interruptBuffer?}
//                 {type:"run", id, ns, label, code}
//                 {type:"forget", ns}
// worker -> page: {type:"progress", stage, loaded, total}
//                 {type:"ready", python, pyodide, engine}
//                 {type:"fatal", message}
//                 {type:"out", id, msg}        msg: stream | display | result | error (from condis_live.py)
//                 {type:"done", id, status}    status: ok | error | interrupted
import LIVE_PY from "./py/condis_live.py";

let pyodide = null;
let live = null;
let interruptBuffer = null;

// ------------------------------------------------------------------ download progress
// Count bytes as Pyodide fetches its files, so the page can show "4.1 of 12.3 MB".
const progress = { loaded: 0, total: 0, stage: "" };
let lastReport = 0;
function report(force = false) {
  const now = performance.now();
  if (!force && now - lastReport < 100) return;
  lastReport = now;
  postMessage({ type: "progress", stage: progress.stage, loaded: progress.loaded, total: progress.total });
}
function stage(name) {
  progress.stage = name;
  report(true);
}
const realFetch = self.fetch.bind(self);
let starting = true;
function fatalDuringStart(message) {
  // Pyodide's start-up does not always reject when a file is missing (Emscripten logs and waits),
  // so a failed fetch while starting is reported at once.
  if (!starting) return;
  starting = false;
  postMessage({ type: "fatal", message });
}
// Pyodide only asks for its lock file and for condis-edu's wheel after its own start-up (wasm
// compile, Python boot). We start both downloads at once instead, in parallel with that start-up,
// and answer Pyodide's later requests for the same URLs with these responses. Pyodide still loads
// condis-edu by name from the lock; only the waiting is gone.
const early = new Map(); // absolute URL -> Promise<Response>
function prefetch(url, init) {
  const promise = realFetch(url, init);
  promise.catch(() => {}); // an error surfaces when Pyodide asks for the file
  early.set(url, promise);
  return promise;
}
function prefetchPackage(indexURL, name) {
  prefetch(indexURL + "pyodide-lock.json")
    .then((response) => (response.ok ? response.clone().json() : null))
    .then((lock) => {
      const entry = lock && lock.packages && lock.packages[name];
      if (!entry) return;
      // Same subresource-integrity check Pyodide asks for: the lock's sha256, base64-encoded.
      const digest = entry.sha256.match(/../g).map((byte) => String.fromCharCode(parseInt(byte, 16))).join("");
      prefetch(new URL(entry.file_name, indexURL).href, { integrity: `sha256-${btoa(digest)}` });
    })
    .catch(() => {});
}

self.fetch = async (input, init) => {
  // Pyodide passes strings, URL objects (packages) or Requests.
  const url = input instanceof URL ? input.href : typeof input === "string" ? input : input.url;
  const name = String(url).split("/").pop();
  const key = new URL(String(url), self.location.href).href;
  const pending = early.get(key);
  early.delete(key);
  let response;
  try {
    response = await (pending ?? realFetch(input, init));
  } catch (error) {
    fatalDuringStart(`could not download ${name} (${error.message || error})`);
    throw error;
  }
  if (!response.ok) fatalDuringStart(`the site answered HTTP ${response.status} for ${name}`);
  const length = Number(response.headers.get("content-length")) || 0;
  if (!response.ok || !response.body) return response;
  progress.total += length;
  report(true);
  const reader = response.body.getReader();
  const counted = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        report(true);
        return;
      }
      progress.loaded += value.byteLength;
      report();
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
};

function scriptBytes(url) {
  // importScripts() does not go through fetch; resource timing still knows its size.
  const entry = performance.getEntriesByName(url).pop();
  return entry ? entry.encodedBodySize || entry.decodedBodySize || 0 : 0;
}

// ------------------------------------------------------------------ start-up
async function init({ indexURL, interruptBuffer: buffer }) {
  try {
    const t = { start: performance.now() };
    stage("Downloading Python");
    prefetchPackage(indexURL, "condis-edu");
    const scriptURL = indexURL + "pyodide.js";
    importScripts(scriptURL);
    t.script = performance.now();
    const jsBytes = scriptBytes(scriptURL);
    progress.loaded += jsBytes;
    progress.total += jsBytes;
    pyodide = await self.loadPyodide({
      indexURL,
      stdout: () => {},
      stderr: () => {},
    });
    t.pyodide = performance.now();
    const asm = scriptBytes(indexURL + "pyodide.asm.js");
    progress.loaded += asm;
    progress.total += asm;
    stage("Loading condis-edu");
    const errors = [];
    // By name, from the merged pyodide-lock.json the site ships. A failed load still resolves,
    // so the error callback is the only signal.
    await pyodide.loadPackage("condis-edu", {
      messageCallback: () => {},
      errorCallback: (message) => errors.push(message),
    });
    if (errors.length) throw new Error(`condis-edu did not load: ${errors.join("; ")}`);
    t.package = performance.now();
    stage("Starting Python");
    live = pyodide.runPython(`
import sys, types
_m = types.ModuleType("condis_live")
_m.__file__ = "<condis_live>"
sys.modules["condis_live"] = _m
exec(compile(${JSON.stringify(LIVE_PY)}, "<condis_live>", "exec"), _m.__dict__)
_m`);
    const versions = pyodide
      .runPython(
        `import sys; "%d.%d.%d" % sys.version_info[:3]`,
      )
      .split("|");
    const lockEntry = pyodide.loadedPackages && pyodide._api?.lockfile_packages?.["condis-edu"];
    versions[1] = (lockEntry && lockEntry.version) || "";
    if (buffer) {
      interruptBuffer = buffer;
      pyodide.setInterruptBuffer(buffer);
    }
    t.ready = performance.now();
    if (!starting) return; // a fatal error was already reported
    starting = false;
    stage("Ready");
    const timings = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v - t.start)]));
    postMessage({ type: "ready", timings, python: versions[0], engine: versions[1], pyodide: pyodide.version, loaded: progress.loaded });
  } catch (error) {
    // A Python error's message is its whole traceback: its last line says what went wrong.
    const lines = String((error && error.message) || error).trim().split("\n");
    fatalDuringStart(lines[lines.length - 1]);
  }
}

// ------------------------------------------------------------------ running cells
let queue = Promise.resolve();

function run({ id, ns, label, code }) {
  queue = queue.then(async () => {
    if (interruptBuffer) Atomics.store(interruptBuffer, 0, 0);
    const emit = (json) => postMessage({ type: "out", id, msg: JSON.parse(json) });
    let status = "error";
    try {
      status = await live.run_cell(ns, label, code, emit);
    } catch (error) {
      postMessage({
        type: "out",
        id,
        msg: { type: "error", ename: "InternalError", evalue: "", traceback: String(error) },
      });
    }
    postMessage({ type: "done", id, status });
  });
}

self.onmessage = (event) => {
  const data = event.data;
  if (data.type === "init") init(data);
  else if (data.type === "run") run(data);
  else if (data.type === "forget" && live) live.forget(data.ns);
};
