// condis-edu warm start (docs/js/condis-warm.js), first thing in the <head> of the notebook pages,
// where the build writes it inline (tools/mkdocs_hooks.py, inline_warm_script).
//
// For a reader who has run Python on this site before (the runtime's files are in this browser's
// `condis-runtime` cache, web/runtime-cache.js), the Pyodide worker is started here, before the
// page has even rendered, so Python restores from those copies while the page builds and the
// reader's first Run does not wait for it. The worker downloads nothing for it (`warm`: it gives up
// with a "cold" message unless every big file of this build is kept; on a first visit, whose cache
// is empty, before any request) and then waits, loaded, for the first Run. The page script
// (web/runtime.js, warmRuntime) adopts the worker and the messages it sent meanwhile.
(() => {
  const script = document.currentScript;
  if ("__condisWarm" in window) return; // already taken (or declined) by the page script
  if (!script || typeof Worker !== "function" || typeof caches === "undefined" || !window.isSecureContext) return;
  // The worker itself looks into the cache (off this thread, which is busy building the page).
  // The build puts this script inline in the page (no request before the worker can start), with
  // the site's root beside it; as a file it is <site>/js/condis-warm.js.
  const inline = script.dataset.condisRoot;
  const root = inline ? new URL(inline, document.baseURI) : new URL("..", script.src);
  const worker = new Worker(new URL("js/condis-worker.js", root).href);
  const messages = [];
  worker.onmessage = (event) => messages.push(event);
  const isolated = typeof SharedArrayBuffer === "function" && self.crossOriginIsolated === true;
  const interrupt = isolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
  worker.postMessage({ type: "init", indexURL: new URL("pyodide/", root).href, interruptBuffer: interrupt, warm: true });
  window.__condisWarm = Promise.resolve({ worker, messages, interrupt, initialized: true });
})();
