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
  warm: false, // this start began before any Run (warmRuntime), from the browser's copies
  parked: null, // a worker whose warm start found nothing kept: loaded, idle, used by the next start
};

let seq = 0;
let deciding = null; // Promise while warmRuntime finds out whether this browser kept the runtime
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
    warm: rt.warm,
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
export function startRuntime({ warm = false, adopt = null } = {}) {
  if (rt.ready && rt.status !== "failed") return rt.ready;
  // A warm start is being decided (warmRuntime): the Run waits for that decision, not a second worker.
  if (deciding && !adopt && !warm) return deciding.then(() => startRuntime());
  const generation = ++rt.generation;
  rt.warm = warm;
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
  if (!adopt && rt.parked) {
    adopt = rt.parked;
    rt.parked = null;
  }
  let worker = adopt?.worker;
  try {
    worker ??= new Worker(siteURL("js/condis-worker.js"));
  } catch (error) {
    fail(`the browser refused to start a worker (${error.message})`);
    return rt.ready;
  }
  rt.worker = worker;
  rt.interrupt = adopt ? adopt.interrupt : isolated() ? new Int32Array(new SharedArrayBuffer(4)) : null;
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
          // The worker's timings, plus (ms since this page's navigation) when it started and when
          // the page heard it was ready.
          timings: {
            ...data.timings,
            page_start: Math.round(data.origin - performance.timeOrigin),
            page_ready: Math.round(performance.now()),
          },
        };
        rt.progress = { ...rt.progress, stage: "Ready" };
        resolve(rt.info);
        notify({ type: "ready" });
        break;
      case "cold":
        // A warm start found a file missing from the runtime cache: nothing was started or
        // downloaded. The worker stays, idle and loaded, for the first Run, which starts Python
        // the usual way in it (a Run already waiting on the warm start does so now).
        if (rt.status !== "loading") break;
        rt.parked = { worker, messages: [], interrupt: rt.interrupt, initialized: false };
        rt.generation++;
        rt.worker = null;
        rt.ready = null;
        rt.status = "idle";
        rt.warm = false;
        clearTimeout(stall);
        if (current) resolve(startRuntime());
        else notify({ type: "state" });
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
  if (adopt?.initialized) {
    // Started by js/condis-warm.js (already initialised): what it said meanwhile, in order.
    for (const event of adopt.messages.splice(0)) worker.onmessage(event);
  } else {
    worker.postMessage({ type: "init", indexURL: siteURL("pyodide/"), interruptBuffer: rt.interrupt, warm });
  }
  if (rt.status === "loading") notify({ type: warm ? "warming" : "loading" });
  return rt.ready;
}

/** Whether this browser kept the runtime's files from an earlier Run (web/runtime-cache.js). */
async function runtimeKept() {
  try {
    if (typeof caches === "undefined" || !(await caches.has("condis-runtime"))) return false;
    return (await (await caches.open("condis-runtime")).keys()).length > 0;
  } catch {
    return false;
  }
}

/**
 * A page with live cells calls this as it loads: for a reader who has run Python on this site
 * before (its files are in this browser's runtime cache), Python starts now, in the worker, while
 * the page is still rendering, so their first Run does not wait for it. Nothing is downloaded for
 * it: the worker gives up (message "cold") unless every big file of this build is kept, and a first
 * visit never gets that far. A reader who never presses Run has spent some CPU time of the worker.
 */
export function warmRuntime() {
  if (rt.ready || rt.status !== "idle" || deciding) return;
  const early = window.__condisWarm; // js/condis-warm.js, in the page's <head>
  window.__condisWarm = null; // taken: js/condis-warm.js, if it runs later, starts nothing
  deciding = (early ? early.then((adopt) => adopt && { adopt }) : runtimeKept().then((kept) => kept && {}))
    .catch(() => null)
    .then((how) => {
      deciding = null;
      if (how && !rt.ready && rt.status === "idle") startRuntime({ warm: true, ...how });
      else how?.adopt?.worker.terminate(); // a Run started Python meanwhile
    });
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
