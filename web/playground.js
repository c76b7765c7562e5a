// The playground page (docs/playground.md holds an empty div#condis-playground): an editor, an
// output pane, a picker of examples, a share link (the code travels in the URL fragment) and
// the reader's work kept in localStorage.
import { loadEditor, siteRoot } from "./lazy.js";
import { OutputArea, summary } from "./outputs.js";
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
    const list = JSON.parse(node.textContent);
    return Array.isArray(list) ? list.filter((s) => s && typeof s.id === "string" && typeof s.code === "string") : [];
  } catch {
    return [];
  }
}
const storageKey = () => `${siteRoot().pathname}condis-playground.code`;

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

function load() {
  try {
    return localStorage.getItem(storageKey());
  } catch {
    return null;
  }
}

function save(code) {
  try {
    localStorage.setItem(storageKey(), code);
  } catch {
    /* storage full or disabled: the work is still in the editor */
  }
}

class Playground {
  constructor(root) {
    this.root = root;
    this.editor = null;
    this.token = 0;
    this.saveTimer = 0;

    this.scenarios = readScenarios(root.ownerDocument);
    const groups = [...new Set(this.scenarios.map((s) => s.group || "Examples"))];
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
      this.shareBox,
      el("div", { class: "condis-playground-panes" }, [
        el("div", { class: "condis-playground-code" }, [el("h2", { class: "condis-pane-title" }, "Code"), this.editorHost]),
        this.outputPane,
      ]),
    );

    const shared = codeFromHash();
    const initial = shared ?? load() ?? this.scenarios[0]?.code ?? FALLBACK_CODE;
    if (shared != null) save(shared);
    this.pendingCode = initial;
    this.syncPicker(initial);
    this.onHash = () => {
      const code = codeFromHash();
      if (code != null) this.setCode(code);
    };
    window.addEventListener("hashchange", this.onHash);
    this.mountEditor();
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
        onChange: (code) => {
          this.syncPicker(code);
          clearTimeout(this.saveTimer);
          this.saveTimer = setTimeout(() => save(code), 250);
        },
      });
      this.root.dataset.condisReady = "true";
    } catch (error) {
      this.editorHost.replaceChildren(el("p", { class: "condis-alert" }, `The editor could not be loaded (${error.message}).`));
    }
  }

  get code() {
    return this.editor ? this.editor.getValue() : this.pendingCode;
  }

  setCode(code) {
    if (this.editor) this.editor.setValue(code);
    else this.pendingCode = code;
    save(code);
    this.syncPicker(code);
  }

  syncPicker(code) {
    const scenario = this.scenarios.find((s) => s.code === code);
    this.picker.value = scenario ? scenario.id : "";
    this.summaryLine.textContent = scenario
      ? scenario.summary
      : "Your own code. Pick an example to start from one of the package's scenarios.";
  }

  pick(id) {
    const scenario = this.scenarios.find((s) => s.id === id);
    if (!scenario) return;
    this.setCode(scenario.code);
    this.status.announce(`Loaded the example "${scenario.title}".`);
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
    clearTimeout(this.saveTimer);
    if (this.editor) save(this.editor.getValue());
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
