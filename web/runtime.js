// The Python runtime: one Pyodide worker per site session, shared by every page (module state
// survives Material's instant navigation). Jobs run one at a time, in order.
import { siteURL } from "./lazy.js";

const STOP_GRACE_MS = 400; // after an interrupt request, wait this long before terminating instead
const STALL_MS = 30000; // a start-up that reports no progress for this long has failed

const listeners = new Set();
const rt = {
  status: "idle", // idle | loading | ready | failed
  worker: null,
  generation: 0,
  ready: null,
  info: null,
  error: null,
  progress: { stage: "", loaded: 0, total: 0 },
  interrupt: null, // Int32Array over a SharedArrayBuffer when cross-origin isolated
  restarts: 0,
};

let seq = 0;
let current = null; // the job being executed
const queue = [];

export function runtimeState() {
  return {
    status: rt.status,
    info: rt.info,
    error: rt.error,
    progress: { ...rt.progress },
    busy: !!current || queue.length > 0,
    canInterrupt: !!rt.interrupt,
  };
}

export function onRuntime(fn) {
  listeners.add(fn);
  fn(runtimeState(), { type: "state" });
  return () => listeners.delete(fn);
}

function notify(event = { type: "state" }) {
  const state = runtimeState();
  for (const fn of listeners) {
    try {
      fn(state, event);
    } catch (error) {
      console.error(error);
    }
  }
}

export function isolated() {
  return typeof SharedArrayBuffer === "function" && self.crossOriginIsolated === true;
}

/** Start the worker (first Run). Resolves when Python and condis-edu are ready. */
export function startRuntime() {
  if (rt.ready && rt.status !== "failed") return rt.ready;
  const generation = ++rt.generation;
  rt.status = "loading";
  rt.error = null;
  rt.info = null;
  rt.progress = { stage: "Starting", loaded: 0, total: 0 };
  let resolve;
  let reject;
  rt.ready = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  rt.ready.catch(() => {});
  const fail = (message) => {
    if (generation !== rt.generation || rt.status !== "loading") return;
    rt.status = "failed";
    rt.error = message;
    rt.worker?.terminate();
    rt.worker = null;
    reject(new Error(message));
    notify({ type: "failed", message });
  };
  let worker;
  try {
    worker = new Worker(siteURL("js/condis-worker.js"));
  } catch (error) {
    fail(`the browser refused to start a worker (${error.message})`);
    return rt.ready;
  }
  rt.worker = worker;
  rt.interrupt = isolated() ? new Int32Array(new SharedArrayBuffer(4)) : null;
  let stall = 0;
  const watch = () => {
    clearTimeout(stall);
    stall = setTimeout(() => fail("Python's start-up stalled (no progress for 30 s)"), STALL_MS);
  };
  watch();
  rt.ready.then(() => clearTimeout(stall), () => clearTimeout(stall));
  worker.onmessage = (event) => {
    if (generation !== rt.generation) return;
    const data = event.data;
    if (data.type === "progress") watch();
    switch (data.type) {
      case "progress":
        rt.progress = { stage: data.stage, loaded: data.loaded, total: data.total };
        notify({ type: "progress" });
        break;
      case "ready":
        rt.status = "ready";
        rt.info = {
          python: data.python,
          pyodide: data.pyodide,
          engine: data.engine,
          from: data.from, // snapshot | boot
          cached: data.cached, // files this start read from the runtime cache instead of the network
          stored: null, // how many of this visit's downloads were kept for the next (once known)
          timings: data.timings,
        };
        rt.progress = { ...rt.progress, stage: "Ready" };
        resolve(rt.info);
        notify({ type: "ready" });
        break;
      case "cached":
        if (rt.info) rt.info.stored = data.stored;
        notify({ type: "cached" });
        break;
      case "fatal":
        fail(data.message);
        break;
      case "out":
        if (current && current.id === data.id) current.output(data.msg);
        break;
      case "done":
        if (current && current.id === data.id) finish(current, data.status);
        break;
      default:
        break;
    }
  };
  worker.onerror = (event) => {
    if (generation !== rt.generation) return;
    event.preventDefault?.();
    if (rt.status === "loading") fail(event.message || "the Python worker failed to start");
    // Once running, uncaught worker errors are reported per cell; a KeyboardInterrupt escaping
    // Pyodide's event loop lands here too and is harmless.
  };
  worker.postMessage({ type: "init", indexURL: siteURL("pyodide/"), interruptBuffer: rt.interrupt });
  notify({ type: "loading" });
  return rt.ready;
}

function finish(job, status, note) {
  if (current === job) current = null;
  job.settle(status, note);
  notify({ type: "job" });
  pump();
}

async function pump() {
  if (current || !queue.length) return;
  const job = queue.shift();
  current = job;
  notify({ type: "job" });
  try {
    await startRuntime();
  } catch (error) {
    if (current === job) current = null;
    job.settle("failed", error.message);
    // Everything else that was waiting for the runtime fails the same way.
    for (const other of queue.splice(0)) other.settle("failed", error.message);
    notify({ type: "job" });
    return;
  }
  if (current !== job) return; // stopped while Python was loading
  job.id = ++seq;
  job.started = performance.now();
  job.begin();
  if (rt.interrupt) Atomics.store(rt.interrupt, 0, 0);
  rt.worker.postMessage({ type: "run", id: job.id, ns: job.ns, label: job.label, code: job.code });
}

/**
 * Queue code for execution. `handlers`: begin(), output(msg), settle(status, note).
 * settle's status: ok | error | interrupted | cancelled | failed. Returns a promise of the status.
 */
export function execute({ ns, label, code }, handlers) {
  return new Promise((resolve) => {
    const job = {
      id: 0,
      ns,
      label,
      code,
      begin: () => handlers.begin?.(),
      output: (msg) => handlers.output?.(msg),
      settle: (status, note) => {
        handlers.settle?.(status, note);
        resolve(status);
      },
    };
    queue.push(job);
    notify({ type: "job" });
    pump();
  });
}

/** Drop queued jobs whose namespace is not `ns` (the reader left that page). */
export function cancelQueuedExcept(ns) {
  for (let i = queue.length - 1; i >= 0; i--) {
    if (queue[i].ns !== ns) queue.splice(i, 1)[0].settle("cancelled");
  }
}

function terminateWorker() {
  rt.generation++;
  rt.worker?.terminate();
  rt.worker = null;
  rt.ready = null;
  rt.info = null;
  rt.interrupt = null;
}

/**
 * End the running job: with a SharedArrayBuffer, raise KeyboardInterrupt (the namespace is kept);
 * otherwise, or if Python does not react within STOP_GRACE_MS, replace the worker. Queued jobs are
 * left alone: they run next (on the fresh worker if it came to that).
 * Resolves to "interrupted" | "restarted".
 */
function interruptRunning(job) {
  if (rt.interrupt && rt.status === "ready") {
    Atomics.store(rt.interrupt, 0, 2); // SIGINT
    return new Promise((resolve) => {
      const started = performance.now();
      const poll = () => {
        if (current !== job) return resolve("interrupted");
        if (performance.now() - started > STOP_GRACE_MS) {
          replaceWorker("stopped");
          return resolve("restarted");
        }
        setTimeout(poll, 20);
      };
      poll();
    });
  }
  replaceWorker("stopped");
  return Promise.resolve("restarted");
}

/**
 * Stop: cancel queued jobs (each is settled "cancelled", so its cell can say so), interrupt the
 * running one. Resolves to {how: "interrupted" | "restarted" | "idle", cancelled: number}.
 */
export function stop() {
  const cancelled = queue.splice(0);
  for (const job of cancelled) job.settle("cancelled");
  const job = current;
  const result = (how) => ({ how, cancelled: cancelled.length });
  if (!job) {
    notify({ type: "job" });
    return Promise.resolve(result("idle"));
  }
  if (rt.status === "loading") {
    // Stop while Python was still loading: give up the load; the next Run starts it again.
    terminateWorker();
    rt.status = "idle";
    finish(job, "cancelled");
    return Promise.resolve(result("idle"));
  }
  return interruptRunning(job).then(result);
}

/**
 * The reader left the page whose code runs in namespace `ns`: its queued jobs are cancelled and its
 * running job is stopped, so the next page's Run does not wait behind them. Jobs of other
 * namespaces (the page being opened) stay queued and run next.
 */
export function abandon(ns) {
  for (let i = queue.length - 1; i >= 0; i--) {
    if (queue[i].ns === ns) queue.splice(i, 1)[0].settle("cancelled");
  }
  const job = current;
  if (!job || job.ns !== ns) {
    notify({ type: "job" });
    return Promise.resolve("idle");
  }
  if (rt.status !== "ready") {
    // Still loading Python: keep the load (the next page needs it too), drop the job.
    finish(job, "cancelled");
    return Promise.resolve("idle");
  }
  return interruptRunning(job);
}

/** A fresh worker for a stopped job; queued jobs run on it. */
function replaceWorker(reason) {
  const job = current;
  current = null;
  terminateWorker();
  rt.status = "idle";
  rt.restarts++;
  if (job) job.settle("interrupted", reason === "stopped" ? "restarted" : "restart");
  notify({ type: "restart", reason });
  const ready = startRuntime();
  pump();
  return ready;
}

/** A fresh worker: every namespace is lost. The running job (if any) ends as interrupted. */
export function restart(reason = "restart") {
  for (const job of queue.splice(0)) job.settle("cancelled");
  return replaceWorker(reason);
}

export function forgetNamespace(ns) {
  if (rt.worker && rt.status === "ready") rt.worker.postMessage({ type: "forget", ns });
}
