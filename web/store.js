// What the site keeps in this browser: every key starts with "condis-edu:" and the current schema
// with "condis-edu:v1:". No account, no server: localStorage only, and every access survives a
// browser that refuses storage (private windows, full quota) by doing nothing.
//
//   condis-edu:v1:cells:<page path>        a notebook page's edited cells (web/cell-edits.js)
//   condis-edu:v1:playground:<name>        the playground's code and drafts (web/playground.js)
//   condis-edu:v1:result:<id>              an exercise or knowledge-check result, written by
//                                          docs/js/exercises.js: {kind, passed, at, page}
//   condis-edu:v1:migrated                 set once the keys of earlier versions were converted
import { siteRoot } from "./lazy.js";

export const PREFIX = "condis-edu:";
export const V1 = `${PREFIX}v1:`;
export const RESULT = `${V1}result:`;
/** Fired on document when a result is written (by the exercises script) or erased. */
export const RESULT_EVENT = "condis:result";

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function read(key) {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function readJSON(key) {
  const text = read(key);
  if (text == null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Returns false when the browser refused to store it (the caller may tell the reader). */
export function write(key, value) {
  try {
    storage()?.setItem(key, typeof value === "string" ? value : JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function remove(key) {
  try {
    storage()?.removeItem(key);
  } catch {
    /* nothing to do */
  }
}

/** Every stored key that starts with `prefix`. */
export function keys(prefix = PREFIX) {
  const s = storage();
  const out = [];
  if (!s) return out;
  try {
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (key != null && key.startsWith(prefix)) out.push(key);
    }
  } catch {
    /* storage disabled */
  }
  return out;
}

/** Erase everything the site stored (results, saved cells, playground code, old-version keys). */
export function eraseAll() {
  const gone = keys(PREFIX);
  for (const key of gone) remove(key);
  return gone.length;
}

/** The page's path relative to the site root ("notebooks/01-first-miniport/"), the key of its data. */
export function pagePath(href = location.href) {
  const root = siteRoot().pathname;
  const path = new URL(href, location.href).pathname;
  return path.startsWith(root) ? path.slice(root.length) : path.replace(/^\//, "");
}

/** A short, stable hash of a text (FNV-1a, 32 bits, as 8 hex digits): tells whether an original changed. */
export function hashText(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Every stored result, by id: {kind, passed, at, page}. */
export function results() {
  const out = {};
  for (const key of keys(RESULT)) {
    const value = readJSON(key);
    if (value && typeof value === "object" && typeof value.passed === "boolean") out[key.slice(RESULT.length)] = value;
  }
  return out;
}

// ------------------------------------------------------------------ earlier versions' keys
const LEGACY_EXERCISE = `${PREFIX}exercise:`; // "pass" | "fail", per exercise id
const LEGACY_PLAYGROUND = "condis-playground.code"; // prefixed by the site root's path
const MIGRATED = `${V1}migrated`;
export const PLAYGROUND_MINE = `${V1}playground:mine`;

/**
 * Convert the keys earlier versions of the site wrote, once, then remove them. `catalogue` (the
 * embedded progress catalogue) gives each exercise its page.
 */
export function migrateLegacy(catalogue) {
  if (read(MIGRATED)) return;
  const pages = new Map((catalogue?.items || []).map((item) => [item.id, item.page || ""]));
  const at = new Date().toISOString();
  for (const key of keys(LEGACY_EXERCISE)) {
    const id = key.slice(LEGACY_EXERCISE.length);
    const value = read(key);
    if (id && (value === "pass" || value === "fail") && read(RESULT + id) == null) {
      write(RESULT + id, { kind: "exercise", passed: value === "pass", at, page: pages.get(id) || "" });
    }
    remove(key);
  }
  const oldPlayground = `${siteRoot().pathname}${LEGACY_PLAYGROUND}`;
  const code = read(oldPlayground);
  if (code != null) {
    if (read(PLAYGROUND_MINE) == null) write(PLAYGROUND_MINE, code);
    remove(oldPlayground);
  }
  write(MIGRATED, at);
}
