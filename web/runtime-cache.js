// The runtime's big files (wasm, standard library, heap snapshot, our wheel) kept in the browser's
// Cache Storage, keyed by their sha256, so a reader's second visit downloads none of them again,
// whatever caching headers the static host sends (many send none, or a short max-age).
//
// Keys are `<url>?sha256=<hex>`: a rebuilt site names new hashes (condis-snapshot.json and the
// lock) and so new keys; entries no key names any more are deleted after a successful start. A
// download is stored only after its bytes hash to the expected value, never straight from the
// network, so a truncated or corrupt response is not kept. Where Cache Storage or SubtleCrypto is
// missing (pages served over plain http from a remote host), everything goes to the network as before.

const CACHE_NAME = "condis-runtime";

function keyOf(url, sha256) {
  const key = new URL(url);
  key.search = `sha256=${sha256}`;
  return key.href;
}

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class RuntimeCache {
  constructor(fetchImpl) {
    this.fetch = fetchImpl;
    this.cache =
      typeof caches !== "undefined" && self.crypto?.subtle
        ? caches.open(CACHE_NAME).catch(() => null)
        : Promise.resolve(null);
    this.hits = new Set(); // file names served from the cache
    this.keep = new Set(); // keys the current site names
    this.pending = []; // downloads to verify and store: {key, sha256, copy}
  }

  /** Like fetch(url, init), answered from the cache when the entry for `sha256` exists. */
  async get(url, sha256, init) {
    const cache = sha256 ? await this.cache : null;
    if (!cache) return this.fetch(url, init);
    const key = keyOf(url, sha256);
    this.keep.add(key);
    try {
      const hit = await cache.match(key);
      if (hit) {
        this.hits.add(new URL(url).pathname.split("/").pop());
        Object.defineProperty(hit, "fromRuntimeCache", { value: true }); // not a download: no progress
        return hit;
      }
    } catch {
      /* an unreadable cache is a miss */
    }
    const response = await this.fetch(url, init);
    if (response.ok) this.pending.push({ key, sha256, copy: response.clone() });
    return response;
  }

  /** Whether this browser has a runtime cache at all (a first visit has none). Before any
   * RuntimeCache is made: making one creates the cache. */
  static async exists() {
    try {
      return typeof caches !== "undefined" && (await caches.has(CACHE_NAME));
    } catch {
      return false;
    }
  }

  /** Whether the entry for `sha256` exists (nothing is downloaded). */
  async has(url, sha256) {
    const cache = sha256 ? await this.cache : null;
    if (!cache) return false;
    try {
      return !!(await cache.match(keyOf(url, sha256)));
    } catch {
      return false;
    }
  }

  /** Store what was downloaded (after checking its hash) and drop entries of older builds. */
  async commit() {
    const cache = await this.cache;
    if (!cache) return { stored: 0 };
    let stored = 0;
    for (const { key, sha256, copy } of this.pending.splice(0)) {
      try {
        const bytes = await copy.arrayBuffer();
        if (hex(await crypto.subtle.digest("SHA-256", bytes)) !== sha256) continue;
        const headers = new Headers(copy.headers);
        headers.delete("content-encoding"); // the stored body is the decoded one
        headers.set("content-length", String(bytes.byteLength));
        await cache.put(key, new Response(bytes, { status: 200, headers }));
        stored++;
      } catch {
        /* quota or a failed read: the next visit downloads again */
      }
    }
    try {
      for (const request of await cache.keys()) if (!this.keep.has(request.url)) await cache.delete(request);
    } catch {
      /* pruning is best effort */
    }
    return { stored };
  }
}
