// Things the page loads only when it needs them: extra scripts, Mermaid, the editor bundle.
import { enhanceDiagram } from "./diagram.js";

/** The site root as a URL (Material's __md_scope), so the runner works at any page depth. */
export function siteRoot() {
  // eslint-disable-next-line no-undef
  if (typeof __md_scope !== "undefined") return new URL(".", __md_scope);
  const script = document.querySelector('script[src*="js/condis-runner.js"]');
  if (script) return new URL("..", script.src);
  return new URL("/", location.href);
}

export function siteURL(path) {
  return new URL(path, siteRoot()).href;
}

const scripts = new Map();

/** Load a classic script once; resolves when it has run. */
export function loadScript(path) {
  const url = siteURL(path);
  if (!scripts.has(url)) {
    scripts.set(
      url,
      new Promise((resolve, reject) => {
        const el = document.createElement("script");
        el.src = url;
        el.async = true;
        el.onload = () => resolve();
        el.onerror = () => {
          scripts.delete(url);
          reject(new Error(`could not load ${path}`));
        };
        document.head.appendChild(el);
      }),
    );
  }
  return scripts.get(url);
}

export function loadEditor() {
  return loadScript("js/condis-editor.js").then(() => window.CondisEditor);
}

export function loadMarkdown() {
  return loadScript("js/condis-markdown.js").then(() => window.CondisMarkdown);
}

// ------------------------------------------------------------------ Mermaid
// mermaid.min.js is 3.5 MB. If the page did not load it, install a stand-in global `mermaid` that
// loads the real library on the first render: Material (for ```mermaid fences) and our outputs both
// go through it, and Material does not fetch its own copy from a CDN because the global exists.
let realMermaid = null;
let mermaidLoading = null;
let pendingConfig = null;
let ourConfigApplied = false;

function isReal(m) {
  return m && typeof m.render === "function" && !m.__condisStandIn;
}

if (!isReal(window.mermaid)) {
  window.mermaid = {
    __condisStandIn: true,
    initialize(config) {
      pendingConfig = config;
    },
    async render(id, text, container) {
      const m = await loadMermaid();
      return m.render(id, text, container);
    },
    async run(options) {
      const m = await loadMermaid();
      return m.run(options);
    },
  };
}

export function loadMermaid() {
  if (isReal(realMermaid)) return Promise.resolve(realMermaid);
  if (isReal(window.mermaid)) {
    realMermaid = window.mermaid;
    return Promise.resolve(realMermaid);
  }
  if (!mermaidLoading) {
    const standIn = window.mermaid;
    mermaidLoading = loadScript("js/mermaid.min.js").then(() => {
      realMermaid = window.mermaid;
      if (!isReal(realMermaid)) throw new Error("mermaid.min.js did not define mermaid");
      if (pendingConfig) {
        realMermaid.initialize(pendingConfig);
        ourConfigApplied = true;
      }
      void standIn;
      return realMermaid;
    });
  }
  return mermaidLoading;
}

// ------------------------------------------------------------------ MathJax
// mkdocs-jupyter loads MathJax (about 2.5 MB with its speech data) on every notebook page, math or
// not, unless `window.MathJax.typesetPromise` already exists. Give it a stand-in that loads the real
// MathJax only when the nodes it is asked to typeset contain TeX delimiters.
const MATH = /\$[^$]|\\\(|\\\[|\\begin\{/;

function hasMath(nodes) {
  for (const node of nodes) {
    const copy = node.cloneNode(true);
    for (const skip of copy.querySelectorAll("pre, code, script, style, .jp-InputArea, .condis-mermaid")) skip.remove();
    if (MATH.test(copy.textContent || "")) return true;
  }
  return false;
}

export function installLazyMathJax() {
  const config = window.MathJax;
  if (!config || typeof config.typesetPromise === "function" || config.__condisStandIn) return;
  if (document.querySelector('script[src*="mathjax/tex-"]')) return; // a page that loads it itself
  let real = null;
  let loading = null;
  const load = () => {
    if (!loading) {
      // The same options mkdocs-jupyter would have set before loading MathJax itself.
      window.MathJax = {
        ...config,
        loader: { ...config.loader, load: [...new Set(["ui/safe", ...((config.loader && config.loader.load) || [])])] },
        startup: { typeset: false, ...config.startup },
        tex: {
          tags: "ams",
          useLabelIds: true,
          inlineMath: [["$", "$"], ["\\(", "\\)"]],
          displayMath: [["$$", "$$"], ["\\[", "\\]"]],
          processEscapes: true,
          processEnvironments: true,
          ...config.tex,
        },
      };
      const url = document.querySelector("script[data-mkdocs-jupyter-mathjax]")
        ? JSON.parse(document.querySelector("script[data-mkdocs-jupyter-mathjax]").dataset.mkdocsJupyterMathjax).url
        : "js/mathjax/tex-mml-chtml.js";
      const src = url.startsWith("/") ? new URL(url, location.origin).href : siteURL(url);
      loading = new Promise((resolve, reject) => {
        const el = document.createElement("script");
        el.src = src;
        el.id = "MathJax-script";
        el.async = true;
        el.onload = resolve;
        el.onerror = reject;
        document.head.appendChild(el);
      })
        .then(() => window.MathJax.startup.promise)
        .then(() => {
          real = window.MathJax;
          return real;
        });
    }
    return loading;
  };
  window.MathJax = {
    ...config,
    __condisStandIn: true,
    startup: { promise: Promise.resolve() },
    typesetPromise(nodes) {
      const list = nodes ? [].concat(nodes) : [document.body];
      if (real) return real.typesetPromise(list);
      if (!hasMath(list)) return Promise.resolve();
      return load().then((mj) => mj.typesetPromise(list));
    },
    typesetClear(nodes) {
      if (real) real.typesetClear(nodes);
    },
    texReset() {
      if (real) real.texReset();
    },
  };
}

let diagramCount = 0;

function darkScheme() {
  return document.body && document.body.getAttribute("data-md-color-scheme") === "slate";
}

/** Render one div.condis-mermaid (its data-mermaid-source) into an inline SVG. */
export async function renderMermaid(el) {
  if (el.dataset.condisRendered) return;
  el.dataset.condisRendered = "pending";
  const source = el.getAttribute("data-mermaid-source") || "";
  try {
    const m = await loadMermaid();
    if (!ourConfigApplied) {
      m.initialize({ startOnLoad: false, securityLevel: "strict", theme: darkScheme() ? "dark" : "default" });
      ourConfigApplied = true;
    }
    const id = `condis-mermaid-${++diagramCount}`;
    const { svg, bindFunctions } = await m.render(id, source);
    const holder = document.createElement("div");
    holder.className = "condis-mermaid-svg";
    holder.innerHTML = svg;
    el.replaceChildren(holder);
    if (bindFunctions) bindFunctions(holder);
    enhanceDiagram(el, holder, "Diagram: " + source.split("\n")[0].trim());
    el.dataset.condisRendered = "done";
  } catch (error) {
    // Show the source so nothing is lost; keep it out of innerText comparisons (it sits in .condis-mermaid).
    const pre = document.createElement("pre");
    pre.className = "condis-mermaid-error";
    pre.textContent = `Diagram could not be drawn (${(error && error.message) || error}):\n${source}`;
    el.replaceChildren(pre);
    el.dataset.condisRendered = "error";
    document.getElementById(`dcondis-mermaid-${diagramCount}`)?.remove();
  }
}

let observer = null;

/** Render the diagrams in `root` when they come near the viewport (Mermaid is large: load it late). */
export function renderMermaidIn(root, { eager = false } = {}) {
  const pending = [...root.querySelectorAll("div.condis-mermaid:not([data-condis-rendered])")];
  if (!pending.length) return;
  if (eager || typeof IntersectionObserver === "undefined") {
    pending.forEach(renderMermaid);
    return;
  }
  if (!observer) {
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            renderMermaid(entry.target);
          }
        }
      },
      { rootMargin: "400px 0px" },
    );
  }
  pending.forEach((el) => observer.observe(el));
}

/** `<pre class="mermaid">` (the engine's _repr_html_) -> `<div class="condis-mermaid" data-mermaid-source>`. */
export function adoptMermaidPres(root) {
  for (const pre of root.querySelectorAll("pre.mermaid")) {
    const div = document.createElement("div");
    div.className = "condis-mermaid";
    div.setAttribute("data-mermaid-source", pre.textContent);
    pre.replaceWith(div);
  }
}
