// A notebook page's edited cells, kept in this browser as the reader types.
//
// Storage: condis-edu:v1:cells:<page path> = {"cells": [{original, n, index, code, at}]}, where
// `original` is a hash of the cell's code as the site was built, `n` tells apart cells whose
// original code is the same (0 for the first), and `index` is where the cell was. Cell ids of the
// built notebook change with every build, so a cell is found again by its original code: an edit
// goes back to the cell it was made in even if cells were added or removed before it. When no cell
// has that original any more (the site's cell changed), the edit goes back to the cell at the same
// place and the reader is told; an edit with no place left is listed at the top of the page.
//
// DOM contract (tests depend on it): an edited cell has class condis-edited and a
// .condis-edit-mark; a cell whose original changed since the edit has .condis-edit-changed; the
// page toolbar has a "Revert page" button, shown while any cell is edited.
import { V1, hashText, pagePath, readJSON, remove, write } from "./store.js";
import { button, el } from "./ui.js";

const SAVE_DELAY_MS = 300;
const HIDDEN = "condis-hidden";

export const cellsKey = (path) => `${V1}cells:${path}`;

/** The stored entries of a page, whatever shape they were left in (a bad entry is dropped). */
export function savedCells(path) {
  const data = readJSON(cellsKey(path));
  const list = data && Array.isArray(data.cells) ? data.cells : [];
  return list.filter((e) => e && typeof e.code === "string" && typeof e.original === "string");
}

export class PageEdits {
  constructor(page) {
    this.page = page;
    this.path = pagePath();
    this.key = cellsKey(this.path);
    this.timer = 0;
    this.orphans = [];
    const seen = new Map();
    for (const cell of page.cells) {
      const hash = hashText(cell.original);
      const n = seen.get(hash) || 0;
      seen.set(hash, n + 1);
      cell.identity = { original: hash, n };
      this.decorate(cell);
    }
    this.revertPageBtn = button("Revert page", () => this.revertPage(), {
      class: "condis-btn condis-btn--quiet condis-revert-page",
      title: "Put back the original code of every edited cell on this page",
      hidden: true,
    });
    page.toolbar.querySelector(".condis-toolbar-buttons")?.append(this.revertPageBtn);
    this.notice = el("div", { class: "condis-edit-notice", role: "note", hidden: true });
    page.toolbar.after(this.notice);
    this.onPageHide = () => this.flush();
    window.addEventListener("pagehide", this.onPageHide);
    this.restore();
  }

  decorate(cell) {
    const id = `condis-edit-mark-${cell.index}`;
    cell.editMark = el("span", { class: "condis-edit-mark", id, hidden: true }, [
      el("span", { class: "condis-edit-mark__icon", "aria-hidden": "true" }, "✎"),
      el("span", { class: "condis-edit-mark__text" }, "Edited"),
      el("span", { class: "condis-visually-hidden" }, ": your code, saved in this browser"),
    ]);
    cell.changedNote = el("p", { class: "condis-edit-changed-note", role: "note", hidden: true });
    cell.bar.insertBefore(cell.editMark, cell.bar.firstChild.nextSibling);
    cell.bar.after(cell.changedNote);
    // While the cell is edited, its buttons are described as "cell N, Edited: your code, saved ...".
    cell.describedBy = new Map([cell.runBtn, cell.resetBtn].map((b) => [b, b.getAttribute("aria-describedby") || ""]));
  }

  /** Put the saved code back into the cells it belongs to. */
  restore() {
    const entries = savedCells(this.path);
    if (!entries.length) return;
    const byIdentity = new Map(this.page.cells.map((c) => [`${c.identity.original}#${c.identity.n}`, c]));
    const claimed = new Set();
    const later = [];
    for (const entry of entries) {
      const cell = byIdentity.get(`${entry.original}#${entry.n || 0}`);
      if (cell && !claimed.has(cell)) {
        claimed.add(cell);
        this.apply(cell, entry, false);
      } else later.push(entry);
    }
    for (const entry of later) {
      const cell = this.page.cells[entry.index];
      if (cell && !claimed.has(cell)) {
        claimed.add(cell);
        this.apply(cell, entry, true);
      } else this.orphans.push(entry);
    }
    this.showOrphans();
    this.refresh();
    if (claimed.size) this.page.enableEditing(null);
  }

  apply(cell, entry, changed) {
    if (entry.code === cell.original) return;
    cell.saved = entry.code;
    cell.savedAt = entry.at;
    if (changed) {
      // Keep the entry's identity until the reader says what to do: the warning shows on every visit.
      cell.staleIdentity = { original: entry.original, n: entry.n || 0 };
      this.showChanged(cell);
    }
    if (!cell.editor && cell.highlight) {
      // Until the editor is loaded, show the reader's code instead of the original.
      const preview = el("pre", { class: "condis-saved-preview", tabindex: "-1" }, el("code", {}, entry.code));
      preview.addEventListener("mousedown", (event) => {
        if (event.button === 0) this.page.enableEditing(cell);
      });
      cell.highlight.classList.add(HIDDEN);
      cell.highlight.after(preview);
    }
    this.mark(cell);
  }

  showChanged(cell) {
    const keep = button("Keep my code", () => {
      cell.staleIdentity = null;
      cell.changedNote.hidden = true;
      cell.node.classList.remove("condis-edit-changed");
      this.save();
      this.page.announce(`Cell ${cell.label}: your code is kept.`);
    }, { class: "condis-btn condis-btn--quiet" });
    cell.changedNote.replaceChildren(
      el("strong", {}, "This cell changed on the site since you edited it. "),
      "Your code is shown; Reset shows the new original. ",
      keep,
    );
    cell.changedNote.hidden = false;
    cell.node.classList.add("condis-edit-changed");
  }

  showOrphans() {
    if (!this.orphans.length) {
      this.notice.hidden = true;
      return;
    }
    const n = this.orphans.length;
    const forget = button("Forget them", () => {
      this.orphans = [];
      this.showOrphans();
      this.save();
    }, { class: "condis-btn condis-btn--quiet" });
    this.notice.replaceChildren(
      el("p", {}, [
        el("strong", {}, `${n} cell${n > 1 ? "s" : ""} you edited on this page ${n > 1 ? "are" : "is"} no longer here. `),
        "Your code is below, to copy what you need. ",
        forget,
      ]),
      ...this.orphans.map((entry) =>
        el("details", { class: "condis-edit-orphan" }, [
          el("summary", {}, `Your code from cell ${entry.index + 1}`),
          el("pre", {}, el("code", {}, entry.code)),
        ]),
      ),
    );
    this.notice.hidden = false;
  }

  /** The editor content of `cell` changed (called by the cell). */
  changed(cell) {
    this.mark(cell);
    this.refresh();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  mark(cell) {
    const edited = cell.code !== cell.original;
    cell.editMark.hidden = !edited;
    for (const [btn, base] of cell.describedBy) {
      btn.setAttribute("aria-describedby", edited ? `${base} ${cell.editMark.id}`.trim() : base);
    }
    cell.node.classList.toggle("condis-edited", edited);
    cell.resetBtn.hidden = !edited;
    if (!edited && cell.staleIdentity) {
      cell.staleIdentity = null;
      cell.changedNote.hidden = true;
      cell.node.classList.remove("condis-edit-changed");
    }
  }

  refresh() {
    this.revertPageBtn.hidden = !this.page.cells.some((c) => c.code !== c.original);
  }

  /** Write every edited cell now (the page is being left, or the debounce ran out). */
  save() {
    clearTimeout(this.timer);
    this.timer = 0;
    const at = new Date().toISOString();
    const cells = [];
    for (const cell of this.page.cells) {
      const code = cell.code;
      if (code === cell.original) continue;
      const identity = cell.staleIdentity || cell.identity;
      const same = cell.saved === code && cell.savedAt;
      cells.push({ original: identity.original, n: identity.n, index: cell.index, code, at: same ? cell.savedAt : at });
    }
    cells.push(...this.orphans);
    if (!cells.length) {
      remove(this.key);
      return;
    }
    if (!write(this.key, { cells })) this.page.announce("Your edits could not be saved: this browser refuses to store them.");
  }

  flush() {
    if (this.timer) this.save();
  }

  /** The reader reset `cell`: its saved code is forgotten. */
  forget(cell) {
    cell.saved = null;
    cell.staleIdentity = null;
    cell.changedNote.hidden = true;
    cell.node.classList.remove("condis-edit-changed");
    cell.node.querySelector(".condis-saved-preview")?.remove();
    cell.highlight?.classList.toggle(HIDDEN, !!cell.editor);
    this.mark(cell);
    this.refresh();
    this.save();
  }

  revertPage() {
    const edited = this.page.cells.filter((c) => c.code !== c.original);
    if (!edited.length) return;
    const n = edited.length;
    const ok = window.confirm(
      `Put back the original code of ${n} edited cell${n > 1 ? "s" : ""} on this page? Your edits will be forgotten.`,
    );
    if (!ok) return;
    for (const cell of edited) cell.reset({ quiet: true });
    this.save();
    this.page.announce(`${n} cell${n > 1 ? "s" : ""} put back to the original code.`);
    this.page.runAllBtn.focus();
  }

  unmount() {
    this.flush();
    window.removeEventListener("pagehide", this.onPageHide);
  }
}
