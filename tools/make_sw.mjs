// Write the service worker into a built site: web/sw.js with its precache list filled in by
// workbox-build (never a hand-kept list).
//
//   node tools/make_sw.mjs site
//
// Run by tools/stage_site.py after the runtime is staged and before the .gz siblings are written.
// The list holds what a reader needs offline at once; see web/sw.js for what is left out and why.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { injectManifest } from "workbox-build";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const site = resolve(process.argv[2] || join(root, "site"));

const PRECACHE_PATTERNS = [
  "**/*.{html,css,js,json,xml,woff2,svg,png,ico,webmanifest}",
];
const PRECACHE_IGNORES = [
  "sw.js",
  "**/*.gz",
  "**/*.map",
  "js/mathjax/**", // thousands of files, loaded only by pages with TeX: kept on first use
  "js/mathjax-fonts/**",
  "assets/javascripts/lunr/**", // search languages other than English
  "pyodide/pyodide.mjs", // the worker loads pyodide.js
  "pyodide/package.json",
  // The big runtime files (wasm, standard library, snapshot, wheel) do not match the patterns:
  // web/runtime-cache.js keeps them.
];

// Files a server may rewrite on the way (tools/serve.py puts the host it is reached on into the
// sitemap): precached by revision, without an integrity check.
const REWRITTEN = new Set(["sitemap.xml"]);

/** Workbox's revision stays; the sha256 becomes the entry's subresource-integrity value. */
function addIntegrity(entries) {
  const manifest = entries.map((entry) => {
    if (REWRITTEN.has(entry.url)) return entry;
    const digest = createHash("sha256").update(readFileSync(join(site, entry.url))).digest("base64");
    return { ...entry, integrity: `sha256-${digest}` };
  });
  return { manifest, warnings: [] };
}

const { count, size, warnings } = await injectManifest({
  swSrc: join(root, "web", "sw.js"),
  swDest: join(site, "sw.js"),
  globDirectory: site,
  globPatterns: PRECACHE_PATTERNS,
  globIgnores: PRECACHE_IGNORES,
  maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
  manifestTransforms: [addIntegrity],
});
for (const warning of warnings) console.warn(`make_sw: ${warning}`);
console.log(`service worker: ${count} files precached at install (${(size / 1e6).toFixed(1)} MB before gzip)`);
