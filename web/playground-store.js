// What the playground keeps in this browser (keys under condis-edu:v1:playground:).
//
//   mine      the reader's own code: only typing in "Your code" or "Save as my code" changes it
//   previous  "Your code" as it was before the last "Save as my code" (for Undo)
//   shared    the last shared link's code, as it was opened
//   drafts    {"shared": code, "example:<id>": code}: edits to a shared script or an example, kept
//             apart from the reader's own code
//   showing   what the playground showed last: "mine", "shared" or "example:<id>"
import { PLAYGROUND_MINE, V1, read, readJSON, remove, write } from "./store.js";

const P = `${V1}playground:`;
export { PLAYGROUND_MINE };
export const PLAYGROUND_PREVIOUS = `${P}previous`;
export const PLAYGROUND_SHARED = `${P}shared`;
export const PLAYGROUND_DRAFTS = `${P}drafts`;
export const PLAYGROUND_SHOWING = `${P}showing`;

export const mine = () => read(PLAYGROUND_MINE);
export const shared = () => read(PLAYGROUND_SHARED);
export const showing = () => read(PLAYGROUND_SHOWING);

export function drafts() {
  const d = readJSON(PLAYGROUND_DRAFTS);
  return d && typeof d === "object" && !Array.isArray(d) ? d : {};
}

/** Keep (or, with code == null, drop) the draft of `source`. */
export function setDraft(source, code) {
  const d = drafts();
  if (code == null) delete d[source];
  else d[source] = code;
  if (Object.keys(d).length) write(PLAYGROUND_DRAFTS, d);
  else remove(PLAYGROUND_DRAFTS);
}

export { read, remove, write } from "./store.js";
