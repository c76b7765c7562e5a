// The reader's progress, shown where they look for it: a badge per notebook in the navigation
// ("1/2"), a table on the course page (div#condis-course-progress) and the progress page
// (div#condis-progress-page), which also erases everything the site keeps in this browser.
//
// What exists comes from the page: the catalogue tools/mkdocs_hooks.py embeds at build time
// (div#condis-progress-catalogue[data-catalogue]: {notebooks: [{notebook, url, title}], items: [{id, kind,
// notebook, title, page}]}). What the reader did is in localStorage (web/store.js): results the
// exercises script writes, saved cells, playground code. Nothing leaves the browser.
import { savedCells } from "./cell-edits.js";
import { siteURL } from "./lazy.js";
import { PLAYGROUND_DRAFTS, PLAYGROUND_MINE } from "./playground-store.js";
import { RESULT_EVENT, V1, eraseAll, keys, migrateLegacy, read, readJSON, results } from "./store.js";
import { button, el } from "./ui.js";

const DATA_ID = "condis-progress-catalogue";
const KIND_NAMES = { exercise: ["exercise", "exercises"], knowledge: ["knowledge check", "knowledge checks"] };

export function readCatalogue(doc = document) {
  const node = doc.getElementById(DATA_ID);
  if (!node) return null;
  try {
    const data = JSON.parse(node.dataset.catalogue || "");
    if (!data || !Array.isArray(data.items) || !Array.isArray(data.notebooks)) return null;
    return data;
  } catch {
    return null;
  }
}

/** Per notebook: {notebook, url, title, exercise: {done, total}, knowledge: {done, total}, items}. */
export function tally(catalogue, done = results()) {
  const rows = catalogue.notebooks.map((nb) => ({
    ...nb,
    exercise: { done: 0, tried: 0, total: 0 },
    knowledge: { done: 0, tried: 0, total: 0 },
    items: [],
  }));
  const byNumber = new Map(rows.map((r) => [r.notebook, r]));
  for (const item of catalogue.items) {
    const row = byNumber.get(item.notebook);
    const count = row && row[item.kind];
    if (!count) continue;
    const result = done[item.id] || null;
    count.total++;
    if (result) count.tried++;
    if (result && result.passed) count.done++;
    row.items.push({ ...item, result });
  }
  return rows;
}

/** "Your code" in <code> spans: titles use `backticks`, as the exercise pages do. */
function titleNodes(text) {
  return String(text)
    .split("`")
    .map((part, i) => (i % 2 ? el("code", {}, part) : part));
}

function plural(n, [one, many]) {
  return `${n} ${n === 1 ? one : many}`;
}

function resolve(url) {
  return siteURL(url);
}

// ------------------------------------------------------------------ navigation badges
function samePath(a, b) {
  return new URL(a, location.href).pathname === new URL(b, location.href).pathname;
}

function decorateNav(rows) {
  const links = document.querySelectorAll(".md-nav__link[href], .md-nav__link a[href]");
  for (const row of rows) {
    const total = row.exercise.total + row.knowledge.total;
    if (!total) continue;
    const done = row.exercise.done + row.knowledge.done;
    const href = resolve(row.url);
    for (const link of links) {
      const target = link.getAttribute("href");
      // The table of contents links to places inside a page (#...): the badge is the page's own.
      if (!samePath(target, href) || new URL(target, location.href).hash) continue;
      let badge = link.querySelector(".condis-progress-badge");
      if (!badge) {
        badge = el("span", { class: "condis-progress-badge" });
        // Material wraps the title in .md-ellipsis: put the badge after it, on the same line.
        (link.querySelector(".md-ellipsis") || link).after(badge);
        link.classList.add("condis-has-progress");
      }
      badge.textContent = `${done}/${total}`;
      badge.dataset.state = done === total ? "complete" : done ? "started" : "none";
      badge.setAttribute("aria-label", `${done} of ${total} exercises and knowledge checks done`);
      badge.title = `${done} of ${total} done (${plural(row.exercise.done, KIND_NAMES.exercise)} of ${row.exercise.total}` +
        (row.knowledge.total ? `, ${plural(row.knowledge.done, KIND_NAMES.knowledge)} of ${row.knowledge.total})` : ")");
    }
  }
}

// ------------------------------------------------------------------ course page
function count(c) {
  if (!c.total) return el("span", { class: "condis-progress-count", "data-state": "empty" }, "none");
  return el("span", { class: "condis-progress-count", "data-state": c.done === c.total ? "complete" : c.done ? "started" : "none" }, [
    el("strong", {}, String(c.done)),
    ` of ${c.total}`,
  ]);
}

function meter(done, total) {
  const node = el("span", { class: "condis-progress-meter", "aria-hidden": "true" });
  node.append(el("span", { style: `width: ${total ? Math.round((100 * done) / total) : 0}%` }));
  return node;
}

function courseTable(rows) {
  // No class on the table: Material styles class-less tables in .md-typeset as the site's own.
  return el("table", {}, [
    el("thead", {}, el("tr", {}, [el("th", {}, "Notebook"), el("th", {}, "Exercises done"), el("th", {}, "Knowledge checks done"), el("th", {}, el("span", { class: "condis-visually-hidden" }, "Share done"))])),
    el(
      "tbody",
      {},
      rows.map((row) => {
        const done = row.exercise.done + row.knowledge.done;
        const total = row.exercise.total + row.knowledge.total;
        return el("tr", { "data-notebook": String(row.notebook) }, [
          el("td", {}, el("a", { href: resolve(row.url) }, row.title)),
          el("td", {}, count(row.exercise)),
          el("td", {}, count(row.knowledge)),
          el("td", {}, meter(done, total)),
        ]);
      }),
    ),
  ]);
}

function renderCourse(host, rows) {
  const done = rows.reduce((n, r) => n + r.exercise.done + r.knowledge.done, 0);
  const total = rows.reduce((n, r) => n + r.exercise.total + r.knowledge.total, 0);
  host.replaceChildren(
    el("p", {}, [
      done ? `You have done ${done} of ${total} exercises and knowledge checks. ` : `Nothing done yet: ${total} exercises and knowledge checks wait for you. `,
      "Kept in this browser only; ",
      el("a", { href: resolve("progress/") }, "see everything or erase it"),
      ".",
    ]),
    // Material's own wrapper for wide tables: on a narrow screen the table scrolls, not the page.
    el("div", { class: "md-typeset__scrollwrap" }, el("div", { class: "md-typeset__table" }, courseTable(rows))),
  );
  host.dataset.condisReady = "true";
}

// ------------------------------------------------------------------ progress page
function when(at) {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function resultCell(result) {
  if (!result) return el("span", { class: "condis-progress-result", "data-state": "none" }, "Not tried yet");
  const at = when(result.at);
  return el("span", { class: "condis-progress-result", "data-state": result.passed ? "passed" : "tried" }, [
    result.passed ? "✓ Passed" : "Tried, not passed yet",
    at ? el("span", { class: "condis-muted" }, ` · ${at}`) : null,
  ]);
}

function savedWork(catalogue) {
  const titles = new Map(catalogue.notebooks.map((n) => [n.url, n.title]));
  const prefix = `${V1}cells:`;
  const pages = keys(prefix)
    .map((key) => ({ path: key.slice(prefix.length), cells: savedCells(key.slice(prefix.length)) }))
    .filter((p) => p.cells.length)
    .sort((a, b) => a.path.localeCompare(b.path));
  const mine = read(PLAYGROUND_MINE);
  const drafts = readJSON(PLAYGROUND_DRAFTS) || {};
  const items = pages.map((p) =>
    el("li", { "data-saved-page": p.path }, [
      el("a", { href: resolve(p.path) }, titles.get(p.path) || p.path),
      `: ${plural(p.cells.length, ["edited cell", "edited cells"])}`,
    ]),
  );
  if (mine != null) {
    const lines = mine.split("\n").length;
    items.push(el("li", { "data-saved-page": "playground" }, [el("a", { href: resolve("playground/") }, "Playground"), `: your code (${plural(lines, ["line", "lines"])})`]));
  }
  const n = Object.keys(drafts).length;
  if (n) items.push(el("li", {}, [el("a", { href: resolve("playground/") }, "Playground"), `: ${plural(n, ["edited example or shared script", "edited examples or shared scripts"])}`]));
  return items.length ? el("ul", { class: "condis-progress-saved" }, items) : el("p", { class: "condis-muted" }, "No code saved: you have not edited a cell or the playground yet.");
}

function renderProgressPage(host, catalogue, rows) {
  const status = el("p", { class: "condis-progress-erase-status", role: "status" });
  const erase = button("Erase my progress and code", () => {
    const ok = window.confirm(
      "Erase everything this site keeps in this browser: exercise and knowledge-check results, your edited cells and your playground code? This cannot be undone.",
    );
    if (!ok) return;
    const n = eraseAll();
    renderAll(document);
    // The page was drawn again: say what happened next to the (new) button, and keep focus there.
    const again = document.querySelector(".condis-progress-erase-status");
    if (again) again.textContent = n ? `Erased (${plural(n, ["item", "items"])}).` : "There was nothing to erase.";
    document.querySelector(".condis-erase")?.focus();
  }, { class: "condis-btn condis-btn--danger condis-erase" });

  const sections = rows.map((row) =>
    el("section", { class: "condis-progress-notebook", "data-notebook": String(row.notebook) }, [
      el("h3", {}, [el("a", { href: resolve(row.url) }, row.title), " ", meter(row.exercise.done + row.knowledge.done, row.exercise.total + row.knowledge.total)]),
      row.items.length
        ? el("ul", { class: "condis-progress-items" }, row.items.map((item) =>
            el("li", { "data-item": item.id, "data-kind": item.kind }, [
              el("span", { class: "condis-progress-kind" }, item.kind === "knowledge" ? "Knowledge check" : "Exercise"),
              el("span", { class: "condis-progress-title" }, titleNodes(item.title)),
              resultCell(item.result),
            ]),
          ))
        : el("p", { class: "condis-muted" }, "No exercises in this notebook."),
    ]),
  );
  host.replaceChildren(
    el("h2", { id: "condis-progress-course" }, "Exercises and knowledge checks"),
    ...sections,
    el("h2", { id: "condis-progress-code" }, "Your code"),
    savedWork(catalogue),
    el("h2", { id: "condis-progress-erase" }, "Erase"),
    el("p", {}, "Everything above lives in this browser only. Erasing removes your results, your edited cells and your playground code from it, for good."),
    erase,
    status,
  );
  host.dataset.condisReady = "true";
}

// ------------------------------------------------------------------ mounting
function renderAll(doc) {
  const catalogue = readCatalogue(doc);
  if (!catalogue) return;
  const rows = tally(catalogue);
  decorateNav(rows);
  const course = doc.getElementById("condis-course-progress");
  if (course) renderCourse(course, rows);
  const page = doc.getElementById("condis-progress-page");
  if (page) renderProgressPage(page, catalogue, rows);
}

let listening = false;

/** Run on every page view (instant navigation swaps the navigation and the content). */
export function mountProgress(doc) {
  migrateLegacy(readCatalogue(doc));
  renderAll(doc);
  if (!listening) {
    listening = true;
    let pending = 0;
    const later = () => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => renderAll(document));
    };
    document.addEventListener(RESULT_EVENT, later);
    window.addEventListener("storage", (event) => {
      if (event.key == null || event.key.startsWith("condis-edu:")) later(); // another tab
    });
  }
}
