// The playground page (docs/playground.md holds an empty div#condis-playground): an editor, an
// output pane, a picker of examples, a share link (the code travels in the URL fragment) and
// the reader's work kept in localStorage (web/playground-store.js). The reader's own code ("Your
// code") is never replaced by an example or a shared link: those open beside it, edits to them are
// kept as drafts, and "Save as my code" makes one the reader's own in one click (with Undo).
import { loadEditor } from "./lazy.js";
import { OutputArea, summary } from "./outputs.js";
import * as store from "./playground-store.js";
import { abandon, execute, forgetNamespace, restart, runtimeState, stop } from "./runtime.js";
import { StatusView } from "./status.js";
import { button, el } from "./ui.js";

const NS = "playground";
const DATA_ID = "condis-playground-scenarios";
const FALLBACK_CODE = "from condis_edu import Machine\n\nm = Machine()\nm\n";

/**
 * The picker's examples: condis_edu.scenarios.as_json(), embedded in the page at build time
 * (tools/mkdocs_hooks.py), so they are the scripts the test tiers run. [{id, title, group, summary, code}]
 */
export function readScenarios(doc) {
  const node = doc.getElementById(DATA_ID);
  if (!node) return [];
  try {
    const list = JSON.parse(node.dataset.scenarios || "");
    return Array.isArray(list) ? list.filter((s) => s && typeof s.id === "string" && typeof s.code === "string") : [];
  } catch {
    return [];
  }
}

export function encodeCode(code) {
  const bytes = new TextEncoder().encode(code);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCode(text) {
  let b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  while (b64.length % 4) b64 += "=";
  const binary = atob(b64);
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

function codeFromHash() {
  const match = /(?:^#|&)code=([A-Za-z0-9_-]*)/.exec(location.hash);
  if (!match) return null;
  try {
    return decodeCode(match[1]);
  } catch {
    return null;
  }
}

const MINE = "mine";
const SHARED = "shared";
const SHARED_OPTION = "#shared"; // the picker's value for the shared script (never a scenario id)

class Playground {
  constructor(root) {
    this.root = root;
    this.editor = null;
    this.token = 0;
    this.saveTimer = 0;

    this.scenarios = readScenarios(root.ownerDocument);
    const groups = [...new Set(this.scenarios.map((s) => s.group || "Examples"))];
    this.sharedOption = el("option", { value: SHARED_OPTION }, "Shared link"); // in the picker once a link was opened
    this.picker = el("select", { id: "condis-pg-example", class: "condis-select", "aria-describedby": "condis-pg-summary" }, [
      el("option", { value: "" }, "Your code"),
      ...groups.map((group) =>
        el(
          "optgroup",
          { label: group },
          this.scenarios.filter((s) => (s.group || "Examples") === group).map((s) => el("option", { value: s.id }, s.title)),
        ),
      ),
    ]);
    this.picker.addEventListener("change", () => this.pick(this.picker.value));
    const pickerLabel = el("label", { for: this.picker.id, class: "condis-label" }, "Example");
    this.summaryLine = el("p", { class: "condis-muted condis-pg-summary", id: "condis-pg-summary" });
    this.saveMineBtn = button("Save as my code", () => this.saveAsMine(), {
      class: "condis-btn condis-pg-save-mine",
      title: "Make this script your code (your current code can be brought back with Undo)",
    });
    this.backBtn = button("Back to your code", () => this.show(MINE), { class: "condis-btn condis-btn--quiet" });
    this.revertDraftBtn = button("Put back the original", () => this.discardDraft(), { class: "condis-btn condis-btn--quiet" });
    this.undoBtn = button("Undo", () => this.undoSave(), { class: "condis-btn condis-btn--quiet", hidden: true });
    this.sourceNote = el("span", { class: "condis-pg-source-note" });
    this.sourceBar = el("div", { class: "condis-pg-source", role: "group", "aria-label": "Whose code this is" }, [
      this.sourceNote,
      this.saveMineBtn,
      this.revertDraftBtn,
      this.backBtn,
      this.undoBtn,
    ]);

    this.runBtn = button("Run", () => this.run(), { class: "condis-btn condis-run", icon: "run", title: "Run (Shift+Enter or Ctrl+Enter in the editor)" });
    this.stopBtn = button("Stop", () => this.stop(), { class: "condis-btn", icon: "stop" });
    this.restartBtn = button("Restart", () => this.restart(), { class: "condis-btn", icon: "restart" });
    this.shareBtn = button("Share link", () => this.share(), { class: "condis-btn", icon: "share" });

    this.status = new StatusView();
    this.status.onState = (state) => this.stopBtn.setAttribute("aria-disabled", String(!state.busy));

    this.shareInput = el("input", { type: "text", readonly: true, class: "condis-share-input", id: "condis-pg-share", spellcheck: "false" });
    this.shareNote = el("span", { class: "condis-share-note", role: "status" });
    this.shareBox = el("div", { class: "condis-share", hidden: true }, [
      el("label", { for: this.shareInput.id, class: "condis-label" }, "Link to this code"),
      this.shareInput,
      this.shareNote,
    ]);

    this.editorHost = el("div", { class: "condis-editor condis-playground-editor" }, el("p", { class: "condis-muted" }, "Loading the editor…"));
    this.output = el("div", { class: "condis-output", "aria-live": "polite", role: "region", "aria-label": "Output", "data-state": "idle" });
    this.outputPane = el("div", { class: "condis-playground-output" }, [
      el("h2", { class: "condis-pane-title", id: "condis-pg-out-title" }, "Output"),
      this.output,
    ]);
    this.output.setAttribute("aria-labelledby", "condis-pg-out-title");
    this.area = new OutputArea(this.output);
    this.placeholder = el("p", { class: "condis-muted condis-output-placeholder" }, "Press Run to see the output here.");
    this.outputPane.append(this.placeholder);

    root.replaceChildren(
      el("div", { class: "condis-toolbar condis-playground-bar", role: "group", "aria-label": "Playground" }, [
        el("div", { class: "condis-toolbar-buttons" }, [pickerLabel, this.picker, this.runBtn, this.stopBtn, this.restartBtn, this.shareBtn]),
        this.status.node,
        this.status.announcer.node,
        this.status.alert,
      ]),
      this.summaryLine,
      this.sourceBar,
      this.shareBox,
      el("div", { class: "condis-playground-panes" }, [
        el("div", { class: "condis-playground-code" }, [el("h2", { class: "condis-pane-title" }, "Code"), this.editorHost]),
        this.outputPane,
      ]),
    );

    this.pendingCode = "";
    const fromLink = codeFromHash();
    if (fromLink != null) this.openShared(fromLink);
    else {
      const last = store.showing();
      this.show(last && this.known(last) ? last : MINE);
    }
    this.onHash = () => {
      const code = codeFromHash();
      if (code != null) this.openShared(code);
    };
    window.addEventListener("hashchange", this.onHash);
    this.mountEditor();
  }

  known(source) {
    if (source === MINE) return true;
    if (source === SHARED) return store.shared() != null;
    return !!this.scenario(source);
  }

  scenario(source) {
    return source.startsWith("example:") ? this.scenarios.find((s) => `example:${s.id}` === source) : undefined;
  }

  /** The code `source` starts from, before the reader's edits. */
  pristine(source) {
    if (source === MINE) return store.mine() ?? this.scenarios[0]?.code ?? FALLBACK_CODE;
    if (source === SHARED) return store.shared() ?? "";
    return this.scenario(source)?.code ?? "";
  }

  /** Show `source`: "mine", "shared" or "example:<id>" (with the reader's draft of it, if any). */
  show(source) {
    this.flushSave();
    this.source = source;
    const code = source === MINE ? this.pristine(MINE) : (store.drafts()[source] ?? this.pristine(source));
    this.loading = true;
    if (this.editor) this.editor.setValue(code);
    else this.pendingCode = code;
    this.loading = false;
    store.write(store.PLAYGROUND_SHOWING, source);
    this.undoBtn.hidden = true;
    this.syncPicker();
  }

  openShared(code) {
    if (code === store.mine()) {
      this.show(MINE); // the reader's own link
      return;
    }
    if (store.shared() !== code) store.setDraft(SHARED, null); // a new link: an old draft is not its draft
    store.write(store.PLAYGROUND_SHARED, code);
    this.show(SHARED);
    this.status.announce("Opened the code from the link. Your own code is kept: pick Your code to go back to it.");
  }

  edited(code) {
    if (this.loading) return;
    this.syncPicker(code);
    clearTimeout(this.saveTimer);
    this.pendingSave = { source: this.source, code };
    this.saveTimer = setTimeout(() => this.flushSave(), 250);
  }

  flushSave() {
    clearTimeout(this.saveTimer);
    const job = this.pendingSave;
    this.pendingSave = null;
    if (!job) return;
    if (job.source === MINE) store.write(store.PLAYGROUND_MINE, job.code);
    else store.setDraft(job.source, job.code === this.pristine(job.source) ? null : job.code);
  }

  saveAsMine() {
    const code = this.code;
    this.flushSave();
    const before = store.mine();
    if (before != null && before !== code) store.write(store.PLAYGROUND_PREVIOUS, before);
    store.write(store.PLAYGROUND_MINE, code);
    if (this.source !== MINE) store.setDraft(this.source, null);
    this.show(MINE);
    this.undoBtn.hidden = !(before != null && before !== code);
    this.sourceBar.hidden = false;
    this.sourceNote.textContent = "Saved as your code.";
    this.status.announce(this.undoBtn.hidden ? "Saved as your code." : "Saved as your code. Undo brings your previous code back.");
  }

  undoSave() {
    const previous = store.read(store.PLAYGROUND_PREVIOUS);
    if (previous == null) return;
    store.write(store.PLAYGROUND_MINE, previous);
    store.remove(store.PLAYGROUND_PREVIOUS);
    this.show(MINE);
    this.status.announce("Your previous code is back.");
  }

  discardDraft() {
    store.setDraft(this.source, null);
    this.pendingSave = null;
    this.show(this.source);
    this.status.announce("Put back the original.");
  }

  async mountEditor() {
    try {
      const CondisEditor = await loadEditor();
      if (!this.root.isConnected) return;
      this.editorHost.replaceChildren();
      this.editor = CondisEditor.create({
        parent: this.editorHost,
        doc: this.pendingCode,
        label: "Playground code",
        lineNumbers: true,
        onRun: () => {
          this.run();
          return true;
        },
        onEscape: () => this.runBtn.focus(),
        onChange: (code) => this.edited(code),
      });
      this.root.dataset.condisReady = "true";
    } catch (error) {
      this.editorHost.replaceChildren(el("p", { class: "condis-alert" }, `The editor could not be loaded (${error.message}).`));
    }
  }

  get code() {
    return this.editor ? this.editor.getValue() : this.pendingCode;
  }

  /** The picker, the summary and the bar that says whose code is shown follow `this.source`. */
  syncPicker(code = this.code) {
    const source = this.source;
    const scenario = this.scenario(source);
    const hasShared = store.shared() != null;
    if (hasShared && !this.sharedOption.isConnected) this.picker.options[0].after(this.sharedOption);
    else if (!hasShared) this.sharedOption.remove();
    this.picker.value = source === MINE ? "" : source === SHARED ? SHARED_OPTION : scenario ? scenario.id : "";
    const draft = source !== MINE && code !== this.pristine(source);
    this.summaryLine.textContent = scenario
      ? scenario.summary
      : source === SHARED
        ? "Code from a shared link."
        : "Your own code, saved in this browser as you type. Pick an example to try one of the package's scenarios.";
    this.root.dataset.condisSource = source === MINE ? "mine" : source === SHARED ? "shared" : "example";
    this.saveMineBtn.hidden = source === MINE;
    this.backBtn.hidden = source === MINE;
    this.revertDraftBtn.hidden = !draft;
    this.sourceNote.textContent =
      source === MINE
        ? ""
        : `${source === SHARED ? "Not your code: it came with a link." : "An example, not your code."} ` +
          (draft ? "Your edits to it are kept apart from your code." : "Your code is kept apart.");
    this.sourceBar.hidden = source === MINE && this.undoBtn.hidden;
  }

  pick(value) {
    if (value === "") return this.show(MINE);
    if (value === SHARED_OPTION) return this.show(SHARED);
    const scenario = this.scenarios.find((s) => s.id === value);
    if (!scenario) return;
    this.show(`example:${scenario.id}`);
    this.status.announce(`Opened the example "${scenario.title}". Your own code is kept: pick Your code to go back to it.`);
  }

  run() {
    const token = ++this.token;
    forgetNamespace(NS); // each run starts from a clean namespace
    this.runBtn.setAttribute("aria-busy", "true");
    this.waiting = true;
    return execute(
      { ns: NS, label: "playground", code: this.code },
      {
        begin: () => {
          if (token !== this.token) return;
          this.waiting = false;
          forgetNamespace(NS);
          this.placeholder.hidden = true;
          this.area.clear();
          this.output.dataset.state = "running";
        },
        output: (msg) => {
          if (token === this.token) this.area.handle(msg);
        },
        settle: (status, note) => {
          if (token !== this.token) return;
          this.waiting = false;
          this.runBtn.removeAttribute("aria-busy");
          if (status === "cancelled" || status === "failed") return;
          this.area.flush();
          if (status === "interrupted" && note) {
            this.area.error({ traceback: "Stopped. Python was restarted to stop the code." });
          }
          this.output.dataset.state = status === "ok" ? "done" : "error";
          if (status === "ok") this.status.announce(`Finished. ${summary(this.output)}`);
          else if (status === "interrupted") this.status.announce("Stopped.");
          else this.status.announce(`Error: ${lastLine(this.output)}`);
        },
      },
    );
  }

  async stop() {
    if (!runtimeState().busy) return;
    const waiting = this.waiting;
    const { how } = await stop();
    const stopped = how === "restarted" ? "Stopped. Python was restarted." : "Stopped.";
    this.status.announce(waiting ? `${stopped} The run that was waiting to start was cancelled.` : stopped);
  }

  restart() {
    restart("restart").then(
      () => this.status.announce("Python restarted."),
      () => {},
    );
  }

  async share() {
    const url = new URL(location.href);
    url.hash = `code=${encodeCode(this.code)}`;
    const link = url.href;
    history.replaceState(history.state, "", link);
    this.shareBox.hidden = false;
    this.shareInput.value = link;
    this.shareInput.focus();
    this.shareInput.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      /* clipboard not allowed: the link is selected in the field */
    }
    this.shareNote.textContent = copied ? "Copied to the clipboard." : "Copy the selected link.";
  }

  unmount() {
    abandon(NS); // leaving the page stops its run, so the next page's Run does not wait for it
    window.removeEventListener("hashchange", this.onHash);
    this.flushSave();
    this.status.destroy();
  }
}

function lastLine(node) {
  const lines = (node.innerText || node.textContent || "").trim().split("\n");
  return lines[lines.length - 1] || "";
}

export function mountPlayground(doc) {
  const root = doc.getElementById("condis-playground");
  return root ? new Playground(root) : null;
}
