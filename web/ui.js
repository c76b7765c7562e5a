// Small DOM helpers shared by the notebook page and the playground.

export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === "hidden") node.hidden = !!value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child == null) continue;
    node.append(child);
  }
  return node;
}

const ICONS = {
  run: "M8 5v14l11-7z",
  "run-all": "M4 5v14l8-7zm8 0v14l8-7z",
  stop: "M6 6h12v12H6z",
  restart: "M12 5V1L7 6l5 5V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z",
  share: "M18 16a3 3 0 0 0-2.4 1.2l-6.7-3.4a3 3 0 0 0 0-1.6l6.7-3.4A3 3 0 1 0 15 7l-6.7 3.4a3 3 0 1 0 0 3.2L15 17a3 3 0 1 0 3-1z",
};

function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "condis-icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

/** A <button type=button> whose accessible name is exactly `text`. */
export function button(text, onClick, attrs = {}) {
  const { icon: iconName, ...rest } = attrs;
  const node = el("button", { type: "button", ...rest });
  if (iconName && ICONS[iconName]) node.append(icon(iconName));
  node.append(el("span", { class: "condis-btn-label" }, text));
  node.addEventListener("click", (event) => {
    if (node.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      return;
    }
    onClick(event);
  });
  return node;
}

export function formatMB(bytes) {
  return (bytes / 1e6).toFixed(1);
}

/** A polite live region: short messages for screen readers (cell finished, Python ready...). */
export class Announcer {
  constructor() {
    this.node = el("div", { class: "condis-visually-hidden condis-announcer", role: "status", "aria-live": "polite" });
    this.timer = 0;
  }

  say(text) {
    // Clear then set, so repeating the same message is announced again.
    this.node.textContent = "";
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.node.textContent = text;
    }, 30);
  }
}
