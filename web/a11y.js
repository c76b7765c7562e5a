// Keyboard access to outputs and tables that scroll. An output wider or taller than its box (a long
// line on a phone, a long trace in the playground, a wide table) can only be scrolled with the keyboard
// if it can take focus: such an element gets tabindex="0", and a name when it has none (role="region",
// "Output of cell 3 (scrolls)"). When it
// stops scrolling (a wider window, new content) it gives back exactly what it was given, so the Tab
// order only holds regions that need it. Material does the same for its own code blocks.

const CANDIDATES = [
  ".condis-output", // live output (the playground's scrolls past 70% of the window's height)
  ".jp-OutputArea-output", // a notebook's build-time output
  ".jp-OutputArea-output pre", // its text, which scrolls by itself on narrow screens
  ".condis-mermaid", // a diagram
  ".md-typeset__scrollwrap", // Material's wrapper of a wide Markdown table
].join(", ");
const DELAY_MS = 150;

function scrolls(node) {
  const style = getComputedStyle(node);
  const can = (overflow) => overflow === "auto" || overflow === "scroll";
  return (
    (can(style.overflowX) && node.scrollWidth > node.clientWidth + 1) ||
    (can(style.overflowY) && node.scrollHeight > node.clientHeight + 1)
  );
}

function nameFor(node) {
  if (node.matches(".md-typeset__scrollwrap")) return "Table (scrolls)";
  const cell = node.closest("[data-condis-cell]");
  return cell ? `Output of cell ${Number(cell.dataset.condisCell) + 1} (scrolls)` : "Output (scrolls)";
}

/** Give every scrolling output under `root` a place in the Tab order (and a name); take it back from the rest. */
export function syncScrollable(root) {
  for (const node of root.querySelectorAll(CANDIDATES)) {
    const given = node.dataset.condisScrollFocus; // "tab" or "name": what this module added
    if (scrolls(node)) {
      if (given || node.hasAttribute("tabindex")) continue;
      const named = node.hasAttribute("aria-label") || node.hasAttribute("aria-labelledby");
      node.tabIndex = 0;
      if (!named) {
        node.setAttribute("role", "region");
        node.setAttribute("aria-label", nameFor(node));
      }
      node.dataset.condisScrollFocus = named ? "tab" : "name";
    } else if (given) {
      node.removeAttribute("tabindex");
      if (given === "name") {
        node.removeAttribute("role");
        node.removeAttribute("aria-label");
      }
      delete node.dataset.condisScrollFocus;
    }
  }
}

/**
 * Keep `root` in sync; returns a function that stops. Whatever can make an output start or stop scrolling
 * (an output arriving or growing, a wider or narrower window, zoom) changes the height of the page's
 * content, so one ResizeObserver on `root` is the trigger: cheap, unlike watching every DOM change, which
 * costs the live editors their typing speed. The check itself waits for the page to be idle.
 */
export function watchScrollable(root) {
  let timer = 0;
  let idle = 0;
  const later = window.requestIdleCallback ? (fn) => requestIdleCallback(fn, { timeout: 2000 }) : (fn) => setTimeout(fn, 0);
  const cancel = () => {
    clearTimeout(timer);
    if (idle) (window.cancelIdleCallback || clearTimeout)(idle);
    idle = 0;
  };
  const soon = () => {
    cancel();
    timer = setTimeout(() => {
      idle = later(() => syncScrollable(root));
    }, DELAY_MS);
  };
  const resized = new ResizeObserver(soon); // also reports the first size: the first check needs no call
  resized.observe(root);
  return () => {
    cancel();
    resized.disconnect();
  };
}
