// The condis-edu service worker (site/sw.js): the site, its runtime and every notebook keep working
// once the network is gone, after one visit.
//
// `tools/make_sw.mjs` writes this file into the built site with workbox-build, which fills in the
// manifest placeholder below with the list of files to keep at install: every page, the CSS and
// JavaScript, the fonts, the search index, and the small files of the runtime (pyodide.js,
// pyodide.asm.js, the lock and the snapshot's description). Each entry carries a revision (a hash of
// the file) and its subresource-integrity sha256.
//
// What is not in that list:
// - the runtime's big files (the wasm, the standard library, the heap snapshot, the wheel) are kept
//   by the Pyodide worker itself in the `condis-runtime` cache, keyed by sha256 (web/runtime-cache.js),
//   from the first Run on; this worker lets their requests through untouched so they are never
//   stored twice;
// - everything else of the site's own origin (MathJax's many small files, downloads) goes to the
//   network first and is kept on first use, for when the network is gone.
//
// Versions: the cache's name carries a hash of the whole list, so a rebuilt site installs into a new
// cache (copying the entries whose revision did not change, downloading the rest) while the old
// version keeps serving open pages. The new version then waits; the page (js/condis-offline.js)
// offers a reload, which activates it, and activating deletes every older `condis-site-*` cache.
// Readers who ignore the offer get the new version once every tab of the site is closed.

const MANIFEST = self.__WB_MANIFEST; // [{url, revision, integrity}], URLs relative to the scope
const PREFIX = "condis-site-";
const SCOPE = self.registration.scope;

/** FNV-1a of a string, as 8 hex digits: names this build's caches. */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

const VERSION = fnv1a(JSON.stringify(MANIFEST));
const PRECACHE = `${PREFIX}${VERSION}`;
const ON_USE = `${PREFIX}${VERSION}-on-use`;
// web/runtime-cache.js keeps these (by sha256); the service worker never answers for them.
const RUNTIME_FILES = /\/pyodide\/[^/]+\.(?:wasm|zip|bin|whl)$/;

// absolute URL (no query) -> {key, entry}; the key names the revision, so two versions never mix.
const PRECACHED = new Map();
for (const entry of MANIFEST) {
  const url = new URL(entry.url, SCOPE).href;
  PRECACHED.set(url, { key: `${url}?__rev=${entry.revision}`, entry });
}

function precacheEntry(url) {
  const plain = url.origin + url.pathname;
  return PRECACHED.get(plain) || (plain.endsWith("/") ? PRECACHED.get(`${plain}index.html`) : undefined);
}

/** Run `task` over `items`, `limit` at a time (the page that registered us is still loading). */
async function pool(items, limit, task) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]);
  });
  await Promise.all(lanes);
}

async function install() {
  const cache = await caches.open(PRECACHE);
  const present = new Set((await cache.keys()).map((request) => request.url));
  const missing = [...PRECACHED.values()].filter(({ key }) => !present.has(key));
  await pool(missing, 4, async ({ key, entry }) => {
    // The same revision kept by an older version: copy it instead of downloading it again.
    const kept = await caches.match(key);
    if (kept) return cache.put(key, kept);
    const url = new URL(entry.url, SCOPE).href;
    const response = await fetch(url, { cache: "no-cache", integrity: entry.integrity || "" });
    if (!response.ok) throw new Error(`${entry.url}: HTTP ${response.status}`);
    return cache.put(key, response);
  });
}

async function activate() {
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== PRECACHE && name !== ON_USE) await caches.delete(name);
  }
}

async function fromPrecache(key, request) {
  const hit = await caches.match(key, { cacheName: PRECACHE });
  return hit || fetch(request); // evicted under storage pressure: the network, as without us
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      caches.open(ON_USE).then((cache) => cache.put(request, copy)).catch(() => {});
    }
    return response;
  } catch (error) {
    const kept = await caches.match(request, { cacheName: ON_USE });
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("install", (event) => event.waitUntil(install()));
self.addEventListener("activate", (event) => event.waitUntil(activate()));
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "condis-activate") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  const url = new URL(request.url);
  if (RUNTIME_FILES.test(url.pathname) || url.href === self.location.href) return;
  const precached = precacheEntry(url);
  event.respondWith(precached ? fromPrecache(precached.key, request) : networkFirst(request));
});
