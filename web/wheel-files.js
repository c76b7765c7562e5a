// A wheel's files written straight into Emscripten's file system, without Python.
//
// After a snapshot restore the heap already holds every condis-edu module, but the file system
// (which lives in JavaScript) is empty, so the worker lays the wheel out again. Pyodide's
// unpackArchive does that in Python (zipfile, inflate in wasm), which costs a few hundred
// milliseconds on a slow machine; here the zip's central directory is read in JavaScript and each
// entry is inflated by the browser's own DecompressionStream, all at once. Only what a wheel uses
// is supported (stored or deflated entries, no zip64, no encryption); anything else throws, and the
// worker then unpacks the wheel the usual way.

const EOCD = 0x06054b50; // end of central directory
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function entries(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.byteLength - 22; i >= Math.max(0, bytes.byteLength - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error("not a zip archive");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const found = [];
  for (let n = 0; n < count; n++) {
    if (view.getUint32(at, true) !== CENTRAL) throw new Error("broken zip central directory");
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const packed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (flags & 1 || (method !== 0 && method !== 8) || packed === 0xffffffff || size === 0xffffffff) {
      throw new Error(`unsupported zip entry ${name}`);
    }
    if (view.getUint32(local, true) !== LOCAL) throw new Error(`broken zip entry ${name}`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    found.push({ name, method, size, data: bytes.subarray(start, start + packed) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return found;
}

async function inflate({ method, size, data }) {
  if (method === 0) return data;
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const out = new Uint8Array(await new Response(stream).arrayBuffer());
  if (out.byteLength !== size) throw new Error("a zip entry inflated to the wrong size");
  return out;
}

/** The files of the wheel `bytes` (ArrayBuffer), inflated: [{name, data}]. */
export async function readWheel(bytes) {
  if (typeof DecompressionStream !== "function") throw new Error("no DecompressionStream");
  const files = entries(new Uint8Array(bytes)).filter((e) => !e.name.endsWith("/"));
  for (const file of files) {
    if (file.name.includes("..") || file.name.startsWith("/")) throw new Error(`unsafe path ${file.name}`);
  }
  const contents = await Promise.all(files.map(inflate));
  return files.map((file, i) => ({ name: file.name, data: contents[i] }));
}

/**
 * Write `files` (readWheel) under `dir` in `FS`, as Pyodide's unpackArchive does (including the
 * INSTALLER file it adds to the .dist-info folder).
 */
export function writeWheel(FS, files, dir, installer) {
  const root = dir.replace(/\/+$/, "");
  const made = new Set();
  const distInfo = new Set();
  for (const { name, data } of files) {
    const path = `${root}/${name}`;
    const parent = path.slice(0, path.lastIndexOf("/"));
    if (!made.has(parent)) {
      FS.mkdirTree(parent);
      made.add(parent);
    }
    FS.writeFile(path, data);
    const top = name.split("/")[0];
    if (top.endsWith(".dist-info")) distInfo.add(`${root}/${top}`);
  }
  for (const info of distInfo) FS.writeFile(`${info}/INSTALLER`, installer);
}
