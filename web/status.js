// The runtime's state as the reader sees it: a progress bar (stage and bytes), a status line,
// an alert when Python cannot start, and a polite live region for short announcements.
import { onRuntime } from "./runtime.js";
import { Announcer, el, formatMB } from "./ui.js";

export class StatusView {
  constructor() {
    this.progress = el("progress", { class: "condis-progress", max: "1", hidden: true, "aria-label": "Python download" });
    this.text = el("span", { class: "condis-status-text" });
    this.alert = el("div", { class: "condis-alert", role: "alert", hidden: true });
    this.announcer = new Announcer();
    this.node = el("div", { class: "condis-toolbar-status" }, [this.progress, this.text]);
    this.unsubscribe = onRuntime((state, event) => this.render(state, event));
  }

  announce(text) {
    this.announcer.say(text);
  }

  render(state, event) {
    const { status, progress } = state;
    this.onState?.(state);
    this.progress.hidden = status !== "loading";
    if (status === "loading") {
      if (progress.total > 0) {
        this.progress.max = progress.total;
        this.progress.value = Math.min(progress.loaded, progress.total);
      } else this.progress.removeAttribute("value");
      const bytes = progress.total ? ` ${formatMB(progress.loaded)} of ${formatMB(progress.total)} MB` : "";
      this.text.textContent = `${progress.stage || "Loading Python"}…${bytes}`;
    } else if (status === "ready") {
      // For tests and tools/bench_site.py: how Python started (snapshot | boot) and its timings.
      this.node.dataset.runtimeFrom = state.info.from || "";
      this.node.dataset.runtimeTimings = JSON.stringify(state.info.timings || {});
      const engine = state.info.engine ? `, condis-edu ${state.info.engine}` : "";
      const stopHow = state.canInterrupt ? "" : " Stop restarts Python here (no cross-origin isolation).";
      this.text.textContent = `Python ${state.info.python} ready${engine}.${stopHow}`;
    } else if (status === "failed") {
      this.text.textContent = "Live Python unavailable.";
    } else {
      this.text.textContent = "Python starts on the first Run (about 12 MB the first time; this browser keeps a copy).";
    }
    if (event.type === "loading") this.announce("Loading Python…");
    // A warm start (before any Run, web/runtime.js warmRuntime) is not the reader's doing: not announced.
    if (event.type === "ready" && !state.warm) this.announce("Python is ready.");
    if (event.type === "failed") {
      this.alert.hidden = false;
      this.alert.textContent =
        `Live Python could not start: ${event.message}. ` +
        "The outputs on this page are the ones computed when the site was built. Restart tries again.";
    }
    if (["ready", "restart", "loading", "warming"].includes(event.type)) this.alert.hidden = true;
  }

  destroy() {
    this.unsubscribe();
  }
}
