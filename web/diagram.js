// A rendered Mermaid diagram the reader can read: zoom (buttons and keys), fit to the width, and a
// full-screen view. Sequence diagrams of a whole simulation are wide; fitted into an output pane
// their labels would shrink to a few pixels, so a diagram never starts below MIN_START_SCALE and
// scrolls sideways instead.
//
// DOM (inside div.condis-mermaid): div.condis-diagram-bar (role=toolbar: Zoom out, Zoom in, Fit,
// Full screen) and div.condis-diagram-view (focusable, scrolls) holding div.condis-mermaid-svg.
// Keys on the focused view: "+" / "=" zoom in, "-" zoom out, "0" fit, "f" full screen, Escape leaves it.
import { button, el } from "./ui.js";

const STEP = 1.25;
const MIN_SCALE = 0.2;
const MAX_SCALE = 5;
const MIN_START_SCALE = 0.7; // below this, labels get hard to read: start here and scroll instead

let diagrams = 0;

function naturalSize(svg) {
  const box = svg.viewBox && svg.viewBox.baseVal;
  if (box && box.width > 0) return { width: box.width, height: box.height };
  const rect = svg.getBoundingClientRect();
  return { width: rect.width || 1, height: rect.height || 1 };
}

class DiagramView {
  constructor(root, holder, label) {
    this.root = root;
    this.holder = holder;
    this.svg = holder.querySelector("svg");
    this.natural = naturalSize(this.svg);
    this.scale = null; // null: fit to the width
    const id = `condis-diagram-${++diagrams}`;

    this.view = el("div", {
      class: "condis-diagram-view",
      tabindex: "0",
      role: "group",
      id,
      "aria-label": `${label}. Zoom with plus and minus, 0 fits, F shows it full screen.`,
      "aria-keyshortcuts": "+ - 0 F Escape",
    });
    holder.setAttribute("role", "img");
    holder.setAttribute("aria-label", label);
    this.view.append(holder);

    const control = (text, onClick, extra = {}) =>
      button(text, onClick, { class: "condis-btn condis-btn--quiet condis-diagram-btn", "aria-controls": id, ...extra });
    this.zoomOutBtn = control("Zoom out", () => this.zoomBy(1 / STEP), { title: "Zoom out (-)" });
    this.zoomInBtn = control("Zoom in", () => this.zoomBy(STEP), { title: "Zoom in (+)" });
    this.fitBtn = control("Fit", () => this.fit(), { title: "Fit to the width (0)" });
    this.fullBtn = control("Full screen", () => this.toggleFull(), { title: "Full screen (F; Escape leaves it)", "aria-pressed": "false" });
    this.level = el("span", { class: "condis-diagram-level", "aria-live": "polite" });
    this.bar = el("div", { class: "condis-diagram-bar", role: "toolbar", "aria-label": "Diagram view" }, [
      this.zoomOutBtn,
      this.zoomInBtn,
      this.fitBtn,
      this.fullBtn,
      this.level,
    ]);
    root.replaceChildren(this.bar, this.view);
    root.classList.add("condis-diagram");

    this.view.addEventListener("keydown", (event) => this.onKey(event));
    this.onEscape = (event) => {
      if (event.key === "Escape" && this.full) {
        event.preventDefault();
        this.toggleFull();
      }
    };
    // A start that stays readable: fitted unless that would shrink the labels too far.
    const fitScale = this.fitScale();
    if (fitScale > 0 && fitScale < MIN_START_SCALE) this.scale = MIN_START_SCALE;
    this.apply();
  }

  get full() {
    return this.root.classList.contains("condis-diagram--full");
  }

  fitScale() {
    const width = this.view.clientWidth;
    return width > 0 ? Math.min(width / this.natural.width, this.full ? MAX_SCALE : 1) : 0;
  }

  currentScale() {
    return this.scale ?? (this.fitScale() || 1);
  }

  zoomBy(factor) {
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.currentScale() * factor));
    // Keep the middle of what the reader looks at in the middle.
    const { view } = this;
    const cx = (view.scrollLeft + view.clientWidth / 2) / Math.max(view.scrollWidth, 1);
    const cy = (view.scrollTop + view.clientHeight / 2) / Math.max(view.scrollHeight, 1);
    this.scale = next;
    this.apply();
    view.scrollLeft = cx * view.scrollWidth - view.clientWidth / 2;
    view.scrollTop = cy * view.scrollHeight - view.clientHeight / 2;
  }

  fit() {
    this.scale = null;
    this.apply();
  }

  apply() {
    const { svg } = this;
    if (this.scale == null) {
      svg.style.width = "100%";
      svg.style.maxWidth = this.full ? "none" : `${this.natural.width}px`;
      svg.style.height = "auto";
      svg.style.maxHeight = this.full ? "100%" : "";
    } else {
      svg.style.width = `${Math.round(this.natural.width * this.scale)}px`;
      svg.style.maxWidth = "none";
      svg.style.height = "auto";
      svg.style.maxHeight = "none";
    }
    this.root.dataset.zoom = this.scale == null ? "fit" : this.scale.toFixed(2);
    this.level.textContent = `${Math.round(this.currentScale() * 100)}%`;
    this.zoomInBtn.setAttribute("aria-disabled", String(this.currentScale() >= MAX_SCALE - 1e-6));
    this.zoomOutBtn.setAttribute("aria-disabled", String(this.currentScale() <= MIN_SCALE + 1e-6));
  }

  toggleFull() {
    const full = !this.full;
    this.root.classList.toggle("condis-diagram--full", full);
    this.fullBtn.setAttribute("aria-pressed", String(full));
    this.fullBtn.querySelector(".condis-btn-label").textContent = full ? "Close full screen" : "Full screen";
    this.bar.setAttribute("role", "toolbar");
    if (full) {
      this.root.setAttribute("role", "dialog");
      this.root.setAttribute("aria-modal", "true");
      this.root.setAttribute("aria-label", this.holder.getAttribute("aria-label"));
      document.addEventListener("keydown", this.onEscape, true);
      document.documentElement.classList.add("condis-diagram-open");
    } else {
      this.root.removeAttribute("role");
      this.root.removeAttribute("aria-modal");
      this.root.removeAttribute("aria-label");
      document.removeEventListener("keydown", this.onEscape, true);
      document.documentElement.classList.remove("condis-diagram-open");
    }
    this.apply();
    this.view.focus();
  }

  onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      "+": () => this.zoomBy(STEP),
      "=": () => this.zoomBy(STEP),
      "-": () => this.zoomBy(1 / STEP),
      _: () => this.zoomBy(1 / STEP),
      0: () => this.fit(),
      f: () => this.toggleFull(),
      F: () => this.toggleFull(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }
}

/** Give a rendered diagram (div.condis-mermaid holding div.condis-mermaid-svg) its zoom controls. */
export function enhanceDiagram(root, holder, label) {
  if (!holder.querySelector("svg")) return null;
  return new DiagramView(root, holder, label);
}
