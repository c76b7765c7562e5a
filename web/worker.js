// The Pyodide worker. One per site session (the page script keeps it across instant navigation).
//
// page -> worker: {type:"init", indexURL, interruptBuffer?, warm?}   warm: start only from the runtime cache
//                 {type:"run", id, ns, label, code}
//                 {type:"forget", ns}
// worker -> page: {type:"progress", stage, loaded, total}
//                 {type:"ready", python, pyodide, engine, from, timings}   from: snapshot | boot
//                 {type:"cached", stored}   this visit's downloads are in Cache Storage
//                 {type:"cold"}     a warm start found a file missing from the runtime cache: not started
//                 {type:"fatal", message}
//                 {type:"out", id, msg}        msg: stream | display | result | error (condis_edu.harness.cells)
//                 {type:"done", id, status}    status: ok | error | interrupted
//
// Cells run through condis_edu.harness.cells, the executor the test tiers use for every notebook too; it
// ships in the wheel (and so in the build's heap snapshot, which imports every condis_edu module).
import { RuntimeCache } from "./runtime-cache.js";
import { readWheel, writeWheel } from "./wheel-files.js";

let pyodide = null;
let live = null;
let interruptBuffer = null;

// ------------------------------------------------------------------ download progress
// Count bytes as the runtime's files arrive, so the page can show "4.1 of 12.3 MB".
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

// The progress bar counts bytes on the wire. A gzip'd response streams decoded bytes while its
// Content-Length is the compressed size, so decoded bytes are scaled by compressed/decoded; the
// decoded sizes of the big files come from condis-snapshot.json.
const decodedSizes = new Map();

/** A response whose body is counted into the progress bar as it streams. */
function counted(response) {
  if (!response.ok || !response.body || response.fromRuntimeCache) return response;
  const name = new URL(response.url || "x:/").pathname.split("/").pop();
  const wire = Number(response.headers.get("content-length")) || 0;
  const decoded = response.headers.get("content-encoding") ? decodedSizes.get(name) || 0 : wire;
  const scale = wire && decoded ? wire / decoded : 0; // 0: unknown, count the whole file at the end
  progress.total += wire;
  report(true);
  let counted = 0; // bytes of this response added to progress.loaded
  let exact = 0;
  const reader = response.body.getReader();
  const body = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        progress.loaded += wire - counted; // exact once complete, whatever the rounding or scale
        controller.close();
        report(true);
        return;
      }
      exact += value.byteLength * scale;
      const next = Math.min(Math.floor(exact), wire); // whole bytes, never past this file's size
      progress.loaded += next - counted;
      counted = next;
      report();
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

// Pyodide asks for its files one after another as its start-up proceeds (lock, wasm, standard
// library, then our wheel after Python has booted). We start every download at once instead and
// answer Pyodide's later requests for the same URLs with these responses. Pyodide still loads what
// it loads by name from the lock; only the waiting is gone.
const early = new Map(); // absolute URL -> Promise<Response>
function prefetch(url, init) {
  const promise = realFetch(url, init);
  promise.catch(() => {}); // an error surfaces when the file is asked for
  early.set(url, promise);
  return promise;
}
function takeEarly(url) {
  const pending = early.get(url);
  early.delete(url);
  return pending;
}
function sriOf(hex) {
  // The subresource-integrity form of the lock's sha256, as Pyodide itself asks for it.
  return `sha256-${btoa(hex.match(/../g).map((byte) => String.fromCharCode(parseInt(byte, 16))).join(""))}`;
}
let runtimeCache = null; // RuntimeCache, created at init

/** Start a download now (from the runtime cache when `sha256` names a stored copy). */
function prefetchFile(url, sha256, init) {
  const promise = runtimeCache.get(url, sha256, init);
  promise.catch(() => {}); // an error surfaces when the file is asked for
  early.set(url, promise);
  return promise;
}

/** Fetch the lock and start the download of package `name`; resolves to its lock entry and URL. */
function prefetchPackage(indexURL, name) {
  // The lock and the snapshot's description are small and change with every build: always revalidated.
  return prefetch(indexURL + "pyodide-lock.json", { cache: "no-cache" })
    .then((response) => (response.ok ? response.clone().json() : null))
    .then((lock) => {
      const entry = lock && lock.packages && lock.packages[name];
      if (!entry) return null;
      const url = new URL(entry.file_name, indexURL).href;
      prefetchFile(url, entry.sha256, { integrity: sriOf(entry.sha256) });
      return { entry, url };
    })
    .catch(() => null);
}

self.fetch = async (input, init) => {
  // Pyodide passes strings, URL objects (packages) or Requests.
  const url = input instanceof URL ? input.href : typeof input === "string" ? input : input.url;
  const name = String(url).split("/").pop();
  const pending = takeEarly(new URL(String(url), self.location.href).href);
  let response;
  try {
    response = await (pending ?? realFetch(input, init));
  } catch (error) {
    fatalDuringStart(`could not download ${name} (${error.message || error})`);
    throw error;
  }
  if (!response.ok) fatalDuringStart(`the site answered HTTP ${response.status} for ${name}`);
  return counted(response);
};

function scriptBytes(url) {
  // importScripts() does not go through fetch; resource timing still knows its size.
  const entry = performance.getEntriesByName(url).pop();
  return entry ? entry.encodedBodySize || entry.decodedBodySize || 0 : 0;
}

// ------------------------------------------------------------------ the build's snapshot
// The build boots Python once, imports condis-edu and saves the heap (tools/make_snapshot.mjs).
// Restoring that heap replaces the slowest part of a start. It only fits the wheel the lock names:
// anything else (no snapshot, another wheel, a failed restore) falls back to a normal start.
const SNAPSHOT_MAGIC = 1886286592; // the first word of a Pyodide 0.29 memory snapshot

function fetchMeta(indexURL) {
  return realFetch(indexURL + "condis-snapshot.json", { cache: "no-cache" })
    .then((response) => (response.ok ? response.json() : null))
    .then((meta) => {
      for (const [name, file] of Object.entries((meta && meta.files) || {})) decodedSizes.set(name, file.size);
      return meta;
    })
    .catch(() => null);
}

// Pyodide compiles its wasm only once it has the heap snapshot in hand (it sizes the memory from
// it). The worker compiles it as it arrives instead, beside the snapshot's download, and hands the
// compiled module to Pyodide's instantiateStreaming call.
let compiled = null; // Promise<WebAssembly.Module>
const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
WebAssembly.instantiateStreaming = async (source, imports) => {
  const pending = compiled;
  compiled = null;
  if (pending) {
    try {
      const module = await pending;
      return { module, instance: await WebAssembly.instantiate(module, imports) };
    } catch {
      /* not compiled: Pyodide's own request (a real download then) */
    }
  }
  return instantiateStreaming(source, imports);
};
const WASM_PLACEHOLDER = () => new Response(new Uint8Array(0), { headers: { "content-type": "application/wasm" } });

/** The Pyodide core files, from the runtime cache when the snapshot's description names their hashes. */
function prefetchCore(indexURL, metaPromise) {
  for (const name of ["pyodide.asm.wasm", "python_stdlib.zip"]) {
    const url = indexURL + name;
    const promise = metaPromise.then((meta) => runtimeCache.get(url, meta?.files?.[name]?.sha256));
    promise.catch(() => {});
    if (name.endsWith(".wasm")) {
      // Compiled as it arrives; Pyodide's own request for it is answered by a placeholder that
      // its instantiateStreaming call (above) never reads, or by the network if compiling failed.
      compiled = WebAssembly.compileStreaming(promise.then(counted));
      const answer = compiled.then(WASM_PLACEHOLDER, () => realFetch(url));
      answer.catch(() => {});
      early.set(url, answer);
    } else early.set(url, promise);
  }
}

/**
 * Start reading the heap snapshot that `meta` (condis-snapshot.json) describes, at once: it is the
 * largest file and the restore waits for it. Returns the plan, or null when there is no snapshot
 * for this build's wheel (`pkg`: its lock entry), which is then not downloaded at all.
 */
function planSnapshot(indexURL, pkg, meta) {
  if (!meta || !pkg) return null;
  if (meta.wheel_sha256 !== pkg.entry.sha256) return null; // made for another build of the wheel
  const heap = runtimeCache
    .get(indexURL + "condis-snapshot.bin", meta.files?.["condis-snapshot.bin"]?.sha256)
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return counted(r).arrayBuffer();
    })
    .then((bytes) => {
      // Checked here, before Pyodide sizes its memory from it: a truncated or foreign file must
      // fail cleanly (Pyodide itself then checks the build id of its wasm).
      const magic = bytes.byteLength >= 4 ? new Uint32Array(bytes, 0, 1)[0] : 0;
      if (bytes.byteLength !== meta.size || magic !== SNAPSHOT_MAGIC) {
        throw new Error(`condis-snapshot.bin is not the snapshot condis-snapshot.json describes`);
      }
      return bytes;
    });
  heap.catch(() => {});
  return { meta, heap, pkg };
}

const quiet = { stdout: () => {}, stderr: () => {} };
const ENV = { HOME: "/home/pyodide", PYTHONHASHSEED: "0" }; // as tools/make_snapshot.mjs

async function startFromSnapshot(indexURL, plan, t) {
  stage("Restoring Python");
  plan.heap.then(() => (t.heap = performance.now()), () => {});
  // The heap holds every condis-edu module already imported; the file system does not (it lives
  // in JavaScript), so the same wheel is laid out again, for anything that reads the package's
  // files. It is inflated in JavaScript (web/wheel-files.js) while the heap and the wasm load, and
  // written by Pyodide's `fsInit` hook, before the restore; if that fails, Pyodide's own
  // unpackArchive does it after the restore.
  const wheel = self.fetch(plan.pkg.url).then((response) => response.arrayBuffer());
  wheel.catch(() => {});
  const files = wheel.then(readWheel);
  files.then(() => (t.inflated = performance.now()), () => {});
  let unpacked = false;
  const fsInit = async (FS) => {
    t.fsInit = performance.now();
    try {
      writeWheel(FS, await files, plan.meta.purelib, "pyodide.unpackArchive");
      unpacked = true;
    } catch (error) {
      console.warn(`condis-edu: unpacking the wheel in JavaScript failed (${error.message || error})`);
    }
    t.unpacked = performance.now();
  };
  const py = await self.loadPyodide({ indexURL, env: { ...ENV }, _loadSnapshot: plan.heap, fsInit, ...quiet });
  t.restored = performance.now();
  if (!unpacked) py.unpackArchive(await wheel, "wheel", { extractDir: plan.meta.purelib });
  py.loadedPackages["condis-edu"] = "snapshot";
  return py;
}

async function startFromScratch(indexURL) {
  const py = await self.loadPyodide({ indexURL, env: { ...ENV }, ...quiet });
  stage("Loading condis-edu");
  const errors = [];
  // By name, from the merged pyodide-lock.json the site ships. A failed load still resolves,
  // so the error callback is the only signal.
  await py.loadPackage("condis-edu", {
    messageCallback: () => {},
    errorCallback: (message) => errors.push(message),
  });
  if (errors.length) throw new Error(`condis-edu did not load: ${errors.join("; ")}`);
  return py;
}

// ------------------------------------------------------------------ start-up
/** Whether every big file of this build is in the runtime cache (a start would download nothing big). */
async function allKept(indexURL, metaPromise) {
  const meta = await metaPromise;
  const files = Object.entries((meta && meta.files) || {});
  if (!files.length) return false;
  const kept = await Promise.all(files.map(([name, file]) => runtimeCache.has(indexURL + name, file.sha256)));
  return kept.every(Boolean);
}

async function init({ indexURL, interruptBuffer: buffer, warm }) {
  try {
    const t = { start: performance.now() };
    // Warming (the page starts Python before any Run, for a reader who has run it here before):
    // only from this browser's copies. If one is missing (first visit, rebuilt site), nothing is
    // downloaded before the reader asks for it: the worker says "cold" and waits for a real init.
    if (warm && !(await RuntimeCache.exists())) return postMessage({ type: "cold" });
    runtimeCache = new RuntimeCache(realFetch);
    const meta = fetchMeta(indexURL);
    if (warm && !(await allKept(indexURL, meta))) return postMessage({ type: "cold" });
    t.checked = performance.now();
    stage(warm ? "Starting Python" : "Downloading Python");
    const pkg = prefetchPackage(indexURL, "condis-edu");
    prefetchCore(indexURL, meta);
    // The two small files that say which snapshot fits first (the description is already read on
    // a warm start): the heap's download then starts before the scripts below hold this thread.
    const [metaValue, pkgValue] = await Promise.all([meta, pkg]);
    const snapshot = planSnapshot(indexURL, pkgValue, metaValue);
    // Both scripts in one call (the browser fetches them in parallel); loadPyodide then finds
    // Emscripten's module factory already defined and does not load pyodide.asm.js itself.
    const scripts = [indexURL + "pyodide.js", indexURL + "pyodide.asm.js"];
    importScripts(...scripts);
    t.script = performance.now();
    for (const url of scripts) {
      const bytes = scriptBytes(url);
      progress.loaded += bytes;
      progress.total += bytes;
    }
    let from = "boot";
    if (snapshot) {
      try {
        pyodide = await startFromSnapshot(indexURL, snapshot, t);
        from = "snapshot";
      } catch (error) {
        console.warn(`condis-edu: the site's Python snapshot did not restore (${error.message || error}); starting normally`);
        pyodide = null;
      }
    }
    if (!pyodide) {
      // A new stage is progress too: the page's stall watch restarts for the normal start.
      if (snapshot) stage("Starting Python normally");
      // The snapshot path may have consumed the early downloads; Pyodide fetches again what it needs.
      pyodide = await startFromScratch(indexURL);
    }
    t.pyodide = performance.now();
    stage("Starting Python");
    // After a restore: every reader restores the same heap, so a module that seeded itself at
    // import would repeat; reseed it. (One runPython call: each costs a little on a cold heap.)
    const reseed = from === "snapshot" ? `import sys\nif "random" in sys.modules: sys.modules["random"].seed()\n` : "";
    live = pyodide.runPython(`${reseed}
import condis_edu.harness.cells
condis_edu.harness.cells.install_ipython_shim()
condis_edu.harness.cells`);
    const python = pyodide.runPython(`import sys; "%d.%d.%d" % sys.version_info[:3]`);
    const lockEntry = pyodide._api?.lockfile_packages?.["condis-edu"];
    const engine = (lockEntry && lockEntry.version) || "";
    if (buffer) {
      interruptBuffer = buffer;
      pyodide.setInterruptBuffer(buffer);
    }
    t.ready = performance.now();
    if (!starting) return; // a fatal error was already reported
    starting = false;
    stage("Ready");
    const timings = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v - t.start)]));
    const cached = [...runtimeCache.hits].sort();
    const origin = performance.timeOrigin + t.start; // the page places the timings on its own clock
    postMessage({ type: "ready", timings, origin, from, cached, python, engine, pyodide: pyodide.version, loaded: progress.loaded });
    // Keep this visit's downloads for the next one (verified by hash first). Not on the job queue,
    // so the first Run does not wait for it; its awaits interleave with the reader's cells.
    setTimeout(() => {
      runtimeCache.commit().then(
        ({ stored }) => postMessage({ type: "cached", stored }),
        () => {},
      );
    }, 1000);
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
      status = await live.run_live(ns, label, code, emit);
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
