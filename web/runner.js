// condis-edu live cells: the page script (docs/js/condis-runner.js), loaded on every page.
//
// Nothing heavy happens at page load: Pyodide (worker), the editor and Mermaid are fetched on
// demand. The runtime lives in module state, so it survives Material's instant navigation.
import { watchScrollable } from "./a11y.js";
import { adoptMermaidPres, installLazyMathJax, renderMermaidIn } from "./lazy.js";
import { mountNotebook } from "./notebook.js";
import { mountPlayground } from "./playground.js";
import { mountProgress } from "./progress.js";
import * as runtime from "./runtime.js";
import { installSiteLinks } from "./site-links.js";

let page = null;
let stopWatchingScroll = null;
let mounted = false;
let popped = false; // the last navigation was Back or Forward: Material restores that page's scroll
addEventListener("popstate", () => {
  popped = true;
});

/** Previous, Next and every other link open a page at its top (unless they name an anchor). */
function landAtTop() {
  const restore = popped;
  popped = false;
  if (!mounted || restore || location.hash) return;
  window.scrollTo({ top: 0, left: 0, behavior: "instant" });
}

function adoptStaticMermaid(doc) {
  // Static outputs may hold <pre class="mermaid"> from the engine's _repr_html_: take them before
  // Material does (it renders into a closed shadow root and drops the source).
  for (const area of doc.querySelectorAll(".jp-OutputArea")) adoptMermaidPres(area);
}

function mount() {
  const started = performance.now();
  try {
    page?.unmount?.();
  } catch (error) {
    console.error(error);
  }
  page = null;
  document.documentElement.classList.remove("condis-diagram-open"); // a full-screen diagram left open
  adoptStaticMermaid(document);
  installSiteLinks();
  try {
    mountProgress(document); // first: it converts earlier versions' keys the pages below read
  } catch (error) {
    console.error(error);
  }
  page = mountNotebook(document) || mountPlayground(document);
  if (page) runtime.warmRuntime(); // a returning reader's Python starts now (from this browser's copies)
  renderMermaidIn(document.querySelector(".md-content") || document.body);
  stopWatchingScroll?.();
  stopWatchingScroll = watchScrollable(document.querySelector(".md-content") || document.body);
  landAtTop();
  mounted = true;
  // Visible in the browser's performance panel and to tools/bench_site.py.
  performance.measure("condis:mount", { start: started, end: performance.now() });
}

// First load: runs at the end of <body>, before Material's document$ fires on DOMContentLoaded.
adoptStaticMermaid(document);
installLazyMathJax();

if (typeof window.document$ !== "undefined" && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(() => mount());
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mount, { once: true });
} else {
  mount();
}

// For tests, benchmarks and the curious: read-only view of the runtime.
window.condisLive = {
  state: () => runtime.runtimeState(),
  isolated: () => runtime.isolated(),
};
