// Rendering live outputs the way nbconvert renders static ones, so both read the same:
// streams and text/plain in <pre>, rich results by Jupyter's MIME preference, no "Out[n]:" prompts.
import { adoptMermaidPres, loadMarkdown, renderMermaidIn } from "./lazy.js";

// nbconvert's HTML exporter order (widgets and JavaScript are not supported here).
const PREFERENCE = ["text/html", "text/markdown", "image/svg+xml", "text/latex", "image/png", "image/jpeg", "text/plain"];

function item(classes, mime) {
  const div = document.createElement("div");
  div.className = `condis-out-item ${classes}`;
  if (mime) div.dataset.mimeType = mime;
  return div;
}

export class OutputArea {
  constructor(el) {
    this.el = el;
    this.lastStream = null; // {name, pre, text}
    this.pending = "";
    this.frame = 0;
    this.chars = 0;
  }

  clear() {
    this.el.replaceChildren();
    this.lastStream = null;
  }

  stream(name, text) {
    if (!this.lastStream || this.lastStream.name !== name) {
      const div = item(name === "stderr" ? "jp-RenderedText condis-stderr" : "jp-RenderedText", name === "stderr" ? "application/vnd.jupyter.stderr" : "text/plain");
      const pre = document.createElement("pre");
      div.append(pre);
      this.el.append(div);
      this.lastStream = { name, pre, text: "" };
    }
    const s = this.lastStream;
    s.text = applyCarriageReturns(s.text + text);
    // Batch DOM writes for chatty cells.
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.flush();
      });
    }
    s.dirty = true;
  }

  flush() {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    const s = this.lastStream;
    if (s && s.dirty) {
      s.pre.textContent = s.text;
      s.dirty = false;
    }
  }

  /** A display_data or execute_result mimebundle. */
  rich(data) {
    this.flush();
    this.lastStream = null;
    const mime = PREFERENCE.find((m) => m in data);
    if (!mime) return;
    const value = data[mime];
    let div;
    switch (mime) {
      case "text/html": {
        div = item("jp-RenderedHTMLCommon jp-RenderedHTML", mime);
        div.innerHTML = value;
        adoptMermaidPres(div);
        break;
      }
      case "text/markdown": {
        div = item("jp-RenderedHTMLCommon jp-RenderedMarkdown", mime);
        const target = div;
        // Until the renderer arrives (first markdown output only), show the source.
        target.textContent = value;
        loadMarkdown()
          .then((md) => {
            target.innerHTML = md.render(value);
            adoptMermaidPres(target);
            renderMermaidIn(target, { eager: true });
            typesetMath(target);
          })
          .catch(() => {});
        break;
      }
      case "image/svg+xml":
        div = item("jp-RenderedSVG", mime);
        div.innerHTML = value;
        break;
      case "text/latex":
        div = item("jp-RenderedLatex", mime);
        div.textContent = value;
        typesetMath(div);
        break;
      case "image/png":
      case "image/jpeg": {
        div = item("jp-RenderedImage", mime);
        const img = document.createElement("img");
        img.src = `data:${mime};base64,${value}`;
        img.alt = "";
        div.append(img);
        break;
      }
      default: {
        div = item("jp-RenderedText", "text/plain");
        const pre = document.createElement("pre");
        pre.textContent = value;
        div.append(pre);
      }
    }
    this.el.append(div);
    renderMermaidIn(div, { eager: true });
  }

  error(msg) {
    this.flush();
    this.lastStream = null;
    if (msg.html) {
      // An exception with _repr_html_ (condis bug checks, findings): its HTML, then its plain text.
      const rich = item("jp-RenderedHTMLCommon jp-RenderedHTML condis-error-html", "text/html");
      rich.innerHTML = msg.html;
      adoptMermaidPres(rich);
      this.el.append(rich);
      renderMermaidIn(rich, { eager: true });
    }
    const div = item("jp-RenderedText condis-error", "application/vnd.jupyter.stderr");
    const pre = document.createElement("pre");
    pre.className = "condis-traceback";
    pre.textContent = msg.traceback || `${msg.ename}: ${msg.evalue}`;
    div.append(pre);
    this.el.append(div);
  }

  note(text) {
    this.flush();
    this.lastStream = null;
    const div = item("condis-note", null);
    div.textContent = text;
    this.el.append(div);
  }

  handle(msg) {
    switch (msg.type) {
      case "stream":
        this.stream(msg.name, msg.text);
        break;
      case "display":
      case "result":
        this.rich(msg.data);
        break;
      case "error":
        this.error(msg);
        break;
      default:
        break;
    }
  }
}

/** Terminal-like handling of "\r" (progress lines overwrite themselves), as Jupyter does. */
function applyCarriageReturns(text) {
  if (!text.includes("\r")) return text;
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => {
      const i = line.lastIndexOf("\r");
      return i < 0 ? line : line.slice(i + 1);
    })
    .join("\n");
}

function typesetMath(el) {
  const mj = window.MathJax;
  if (mj && typeof mj.typesetPromise === "function") mj.typesetPromise([el]).catch(() => {});
}

/** A short plain-text summary of an output area for screen-reader announcements. */
export function summary(el, max = 160) {
  const text = (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
