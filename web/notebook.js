// Live cells on a notebook page rendered by mkdocs-jupyter.
//
// DOM contract (tests depend on it): each code cell (div.jp-CodeCell[id^="cell-id="]) gets
// data-condis-cell="<index>", a "Run" button, and once run a div.condis-output[data-state] inside
// it while its static .jp-Cell-outputWrapper is hidden. The page toolbar (div.condis-toolbar) has
// "Run all", "Stop", "Restart" and gets data-condis-run-all="done" when Run all finishes.
import { PageEdits } from "./cell-edits.js";
import { loadEditor } from "./lazy.js";
import { OutputArea, summary } from "./outputs.js";
import { abandon, cancelQueuedExcept, execute, isolated, restart, runtimeState, startRuntime, stop } from "./runtime.js";
import { StatusView } from "./status.js";
import { button, el } from "./ui.js";

const HIDDEN = "condis-hidden";

class Cell {
  constructor(page, node, index) {
    this.page = page;
    this.node = node;
    this.index = index;
    this.label = index + 1;
    this.original = node.querySelector(".clipboard-copy-txt")?.textContent ?? "";
    this.staticOut = node.querySelector(".jp-Cell-outputWrapper");
    this.highlight = node.querySelector(".highlight-ipynb");
    this.inputWrapper = node.querySelector(".jp-Cell-inputWrapper");
    this.editor = null;
    this.editorHost = null;
    this.live = null;
    this.token = 0;
    node.dataset.condisCell = String(index);

    this.status = el("span", { class: "condis-cell-status", "aria-hidden": "true" });
    this.resetBtn = button("Reset", () => this.reset(), {
      class: "condis-btn condis-btn--quiet condis-reset",
      title: "Put back the original code and output (your edit is forgotten)",
      hidden: true,
    });
    this.runBtn = button("Run", () => this.run(), {
      class: "condis-btn condis-run",
      title: "Run this cell (Shift+Enter in the editor)",
      icon: "run",
    });
    const cellName = el("span", { class: "condis-visually-hidden", id: `condis-cell-name-${index}` }, `cell ${this.label}`);
    this.runBtn.setAttribute("aria-describedby", cellName.id);
    this.resetBtn.setAttribute("aria-describedby", cellName.id);
    this.bar = el("div", { class: "condis-cell-bar" }, [cellName, this.status, this.resetBtn, this.runBtn]);
    node.insertBefore(this.bar, node.firstChild);

    if (this.inputWrapper && this.highlight) {
      // Before the editor is loaded, the static code is the edit target: click it, or focus it and press Enter.
      const hint = el("span", { class: "condis-visually-hidden", id: `condis-edit-hint-${index}` }, "Press Enter to edit this code.");
      this.inputWrapper.append(hint);
      this.inputWrapper.setAttribute("aria-describedby", hint.id);
      this.inputWrapper.classList.add("condis-editable");
      this.inputWrapper.addEventListener("keydown", (event) => {
        if (event.target === this.inputWrapper && event.key === "Enter") {
          event.preventDefault();
          // The editors may have mounted while the code had the focus: go straight to this one.
          if (this.editor) this.editor.focus();
          else this.page.enableEditing(this);
        }
      });
      this.highlight.addEventListener("mousedown", (event) => {
        if (event.button !== 0 || this.editor) return;
        this.page.enableEditing(this, { x: event.clientX, y: event.clientY });
      });
    }
  }

  get code() {
    return this.editor ? this.editor.getValue() : (this.saved ?? this.original);
  }

  mountEditor(CondisEditor) {
    if (this.editor || !this.highlight) return;
    // A keyboard reader may be on the static code when the editors mount (after a Run they mount
    // at idle time): the code becomes the editor, so the focus follows it instead of falling to
    // the page when the static code stops being focusable.
    const hadFocus = !!this.inputWrapper && this.inputWrapper.contains(document.activeElement);
    this.editorHost = el("div", { class: "condis-editor" });
    this.highlight.after(this.editorHost);
    this.highlight.classList.add(HIDDEN);
    this.editor = CondisEditor.create({
      parent: this.editorHost,
      doc: this.saved ?? this.original,
      label: `Code of cell ${this.label}`,
      onRun: () => {
        this.run();
        return true;
      },
      onRunAdvance: () => {
        this.run();
        this.page.focusAfter(this);
        return true;
      },
      onEscape: () => this.runBtn.focus(),
      onChange: () => this.updateEdited(),
    });
    this.node.querySelector(".condis-saved-preview")?.remove();
    if (this.inputWrapper) this.inputWrapper.removeAttribute("tabindex");
    if (hadFocus) this.editor.focus();
  }

  updateEdited() {
    this.page.edits.changed(this); // the edited mark, Reset, saving (web/cell-edits.js)
  }

  setStatus(text, keep = true) {
    if (keep) this.statusText = text;
    this.status.textContent = text;
    this.status.dataset.kind = text.split(" ")[0] || "";
  }

  showLive() {
    if (!this.live) {
      const node = el("div", {
        class: "condis-output",
        "aria-live": "polite",
        "aria-label": `Live output of cell ${this.label}`,
        role: "region",
      });
      if (this.staticOut) this.staticOut.after(node);
      else this.node.append(node);
      this.live = { node, area: new OutputArea(node) };
    }
    if (this.staticOut) {
      this.staticOut.classList.add(HIDDEN);
      this.staticOut.hidden = true;
    }
    return this.live;
  }

  run() {
    const token = ++this.token;
    const code = this.code;
    let area = null;
    this.busy = true;
    this.queued = true;
    this.setStatus("queued");
    this.node.classList.add("condis-busy");
    return execute(
      { ns: this.page.ns, label: `cell ${this.label}`, code },
      {
        begin: () => {
          if (token !== this.token) return;
          this.queued = false;
          const live = this.showLive();
          area = live.area;
          area.clear();
          live.node.dataset.state = "running";
          live.node.setAttribute("aria-busy", "true");
          this.setStatus("running");
        },
        output: (msg) => {
          if (token === this.token && area) area.handle(msg);
        },
        settle: (status, note) => {
          this.busy = false;
          this.page.editorsSoon();
          if (token !== this.token) return;
          this.queued = false;
          this.node.classList.remove("condis-busy");
          if (!area) {
            // Never started (cancelled, or the runtime failed): the previous output stays, and the
            // cell says why it did not run.
            this.setStatus(status === "cancelled" ? "cancelled (not run)" : status === "failed" ? "not run" : "");
            return;
          }
          area.flush();
          const node = this.live.node;
          node.removeAttribute("aria-busy");
          if (status === "interrupted" && note) {
            area.error({
              traceback:
                note === "restarted"
                  ? "Stopped. Python was restarted to stop this cell, so variables from earlier cells are gone: run them again (or Run all)."
                  : "Stopped: Python was restarted.",
            });
          }
          node.dataset.state = status === "ok" ? "done" : "error";
          this.setStatus(status === "ok" ? "" : status === "interrupted" ? "stopped" : "error");
          const text = summary(node);
          if (status === "ok") this.page.announce(`Cell ${this.label} finished.${text ? " Output: " + text : ""}`);
          else if (status === "interrupted") this.page.announce(`Cell ${this.label} stopped.`);
          else this.page.announce(`Cell ${this.label} raised an error: ${lastLine(node)}`);
        },
      },
    );
  }

  reset({ quiet = false } = {}) {
    this.token++;
    this.busy = false;
    if (this.editor) this.editor.setValue(this.original);
    if (this.live) {
      this.live.node.remove();
      this.live = null;
    }
    if (this.staticOut) {
      this.staticOut.classList.remove(HIDDEN);
      this.staticOut.hidden = false;
    }
    this.node.classList.remove("condis-busy");
    this.statusText = "";
    this.setStatus("");
    this.page.edits.forget(this);
    if (quiet) return;
    this.page.announce(`Cell ${this.label} reset to its original code and output.`);
    (this.editor ? this.editor : this.runBtn).focus();
  }
}

function lastLine(node) {
  const lines = (node.innerText || node.textContent || "").trim().split("\n");
  return lines[lines.length - 1] || "";
}

export class NotebookPage {
  constructor(root, cellNodes) {
    this.ns = location.pathname;
    this.root = root;
    this.cells = cellNodes.map((node, i) => new Cell(this, node, i));
    this.buildToolbar();
    this.edits = new PageEdits(this);
  }

  buildToolbar() {
    this.runAllBtn = button("Run all", () => this.runAll(), { class: "condis-btn condis-run-all", icon: "run-all" });
    this.stopBtn = button("Stop", () => this.stop(), { class: "condis-btn", icon: "stop" });
    this.restartBtn = button("Restart", () => this.restart(), {
      class: "condis-btn",
      icon: "restart",
      title: "Start Python afresh: every variable is cleared",
    });
    this.status = new StatusView();
    this.status.onState = (state) => this.stopBtn.setAttribute("aria-disabled", String(!state.busy));
    this.toolbar = el(
      "div",
      { class: "condis-toolbar", role: "group", "aria-label": "Live Python for this page" },
      [
        el("div", { class: "condis-toolbar-buttons" }, [this.runAllBtn, this.stopBtn, this.restartBtn]),
        this.status.node,
        this.status.announcer.node,
        this.status.alert,
      ],
    );
    const first = this.cells[0].node.closest(".jupyter-wrapper") || this.cells[0].node;
    first.parentNode.insertBefore(this.toolbar, first);
    this.status.render(runtimeState(), { type: "state" });
    this.measureToolbar();
  }

  /**
   * Anchors must land below the sticky toolbar: the root's scroll padding makes room for it, on
   * top of the room Material keeps for its header, and Material's "Back to top" button moves
   * below it. The height is read when a ResizeObserver reports it, after the browser's own layout
   * (reading it while mounting would force one), and set on those two elements alone:
   * scroll-padding is not inherited, so nothing else is restyled.
   */
  measureToolbar() {
    const root = document.documentElement;
    const measure = () => {
      const height = Math.ceil(this.toolbar.offsetHeight);
      root.style.scrollPaddingTop = `calc(${height}px + 0.6rem)`;
      // Material's "Back to top" button floats where the toolbar sticks (below the header): under it.
      const backToTop = document.querySelector(".md-top");
      if (backToTop) backToTop.style.top = `calc(2.4rem + ${height}px + 0.4rem)`;
    };
    this.resize = typeof ResizeObserver === "function" ? new ResizeObserver(measure) : null;
    if (this.resize) this.resize.observe(this.toolbar);
    else measure();
  }

  announce(text) {
    this.status.announce(text);
  }

  /** Load the editor bundle and turn every cell into an editor; focus `cell` if given. */
  async enableEditing(cell, at) {
    let CondisEditor;
    try {
      CondisEditor = await loadEditor();
    } catch (error) {
      this.announce("The code editor could not be loaded.");
      return;
    }
    if (!this.toolbar.isConnected) return;
    for (const c of this.cells) c.mountEditor(CondisEditor);
    if (cell) cell.editor.focus(at);
  }

  editorsSoon() {
    // After a Run, cells become editors too, but only once Python is up: on two cores the editor
    // bundle would otherwise compete with Pyodide's start-up.
    if (this.editorsRequested || runtimeState().status !== "ready") return;
    this.editorsRequested = true;
    const later = () => (window.requestIdleCallback || setTimeout)(() => this.enableEditing(null), { timeout: 2000 });
    if (runtimeState().status === "ready") later();
  }

  focusAfter(cell) {
    const next = this.cells[cell.index + 1];
    if (next && next.editor) next.editor.focus();
    else if (next) next.runBtn.focus();
    else this.runAllBtn.focus();
  }

  async runAll() {
    this.toolbar.dataset.condisRunAll = "running";
    this.runAllBtn.setAttribute("aria-busy", "true");
    let status = "ok";
    for (const cell of this.cells) {
      if (this.left) break; // the reader went to another page: its cells are not run behind its back
      status = await cell.run();
      if (status !== "ok") break;
    }
    this.runAllBtn.removeAttribute("aria-busy");
    this.toolbar.dataset.condisRunAll = "done";
    if (status === "ok") this.announce("All cells finished.");
  }

  async stop() {
    if (!runtimeState().busy) return;
    const queued = this.cells.filter((c) => c.queued);
    const { how } = await stop();
    const stopped = how === "restarted" ? "Stopped. Python was restarted; run earlier cells again." : "Stopped.";
    const labels = queued.map((c) => c.label);
    const cancelled = !labels.length
      ? ""
      : labels.length === 1
        ? ` Cell ${labels[0]} was cancelled before it ran.`
        : ` Cells ${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]} were cancelled before they ran.`;
    this.announce(stopped + cancelled);
  }

  restart() {
    this.announce("Restarting Python…");
    restart("restart").then(
      () => this.announce("Python restarted: variables cleared."),
      () => {},
    );
  }

  unmount() {
    this.edits.unmount();
    // The reader is leaving: a cell still running here must not hold up the next page's Run.
    this.left = true;
    abandon(this.ns);
    this.resize?.disconnect();
    document.documentElement.style.removeProperty("scroll-padding-top");
    document.querySelector(".md-top")?.style.removeProperty("top");
    this.status.destroy();
  }
}

export function mountNotebook(doc) {
  const nodes = [...doc.querySelectorAll('.jupyter-wrapper .jp-Cell.jp-CodeCell[id^="cell-id="]')];
  if (!nodes.length) return null;
  cancelQueuedExcept(location.pathname);
  return new NotebookPage(doc, nodes);
}

export { isolated, startRuntime };
