/* condis-edu exercises: keep each solution closed until the reader has tried the exercise once.
 *
 * Contract (see src/condis_edu/exercises and docs/learn/index.md):
 *   - a solution is <details class="condis-solution" data-exercise="ID"> in a Markdown cell;
 *   - a check result is an element with data-exercise="ID" and data-result="pass|fail"
 *     (CheckResult._repr_html_);
 *   - a result counts as an attempt only when it appears inside a live output (.condis-output),
 *     never the build-time output that every reader sees before running anything.
 *
 * Without JavaScript nothing is locked: the solution is an ordinary collapsed <details>.
 * Attempts are remembered in localStorage, so a solution stays unlocked after a reload.
 */
(function () {
  "use strict";
  var KEY = "condis-edu:exercise:";
  var LOCKED_NOTE = " (opens after your first check in the browser)";

  function store(id, result) {
    try {
      var old = localStorage.getItem(KEY + id);
      if (old !== "pass") localStorage.setItem(KEY + id, result);
    } catch (e) {
      /* storage may be disabled: the unlock then lasts for this page view */
    }
  }

  function recalled(id) {
    try {
      return localStorage.getItem(KEY + id);
    } catch (e) {
      return null;
    }
  }

  function solutions(id) {
    var all = document.querySelectorAll("details.condis-solution[data-exercise]");
    return Array.prototype.filter.call(all, function (d) {
      return id === undefined || d.getAttribute("data-exercise") === id;
    });
  }

  function summaryOf(details) {
    var s = details.querySelector("summary");
    if (!s) {
      s = document.createElement("summary");
      s.textContent = "Solution";
      details.insertBefore(s, details.firstChild);
    }
    return s;
  }

  function lock(details) {
    if (details.dataset.condisLocked === "true") return;
    details.dataset.condisLocked = "true";
    details.open = false;
    var s = summaryOf(details);
    var note = document.createElement("span");
    note.className = "condis-solution__note";
    note.textContent = LOCKED_NOTE;
    s.appendChild(note);
    s.setAttribute("aria-disabled", "true");
    s.title = "Run the exercise's check cell once to unlock the solution";
  }

  function unlock(details, result) {
    details.dataset.condisAttempt = result;
    if (details.dataset.condisLocked !== "true") return;
    details.dataset.condisLocked = "false";
    var s = summaryOf(details);
    var note = s.querySelector(".condis-solution__note");
    if (note) note.remove();
    s.removeAttribute("aria-disabled");
    s.removeAttribute("title");
  }

  function guard(event) {
    var details = event.target.closest && event.target.closest("details.condis-solution");
    if (!details || details.dataset.condisLocked !== "true") return;
    if (event.type === "toggle") {
      if (details.open) details.open = false;
    } else if (event.target.closest("summary")) {
      event.preventDefault();
    }
  }

  function sawResult(el) {
    if (!el.closest(".condis-output")) return; // build-time output: not an attempt
    var id = el.getAttribute("data-exercise");
    var result = el.getAttribute("data-result") === "pass" ? "pass" : "fail";
    store(id, result);
    solutions(id).forEach(function (d) {
      unlock(d, result);
    });
  }

  function scan(root) {
    if (root.nodeType !== 1) return;
    if (root.matches("[data-exercise][data-result]")) sawResult(root);
    root.querySelectorAll("[data-exercise][data-result]").forEach(sawResult);
  }

  var observer = null;

  function init() {
    solutions().forEach(function (d) {
      var id = d.getAttribute("data-exercise");
      var before = recalled(id);
      if (before) {
        d.dataset.condisAttempt = before;
      } else {
        lock(d);
      }
    });
    scan(document.body);
    if (!observer) {
      observer = new MutationObserver(function (records) {
        records.forEach(function (r) {
          r.addedNodes.forEach(scan);
          if (r.type === "attributes") scan(r.target);
        });
      });
      document.addEventListener("click", guard, true);
      document.addEventListener("toggle", guard, true);
    }
    observer.disconnect(); // instant navigation may have swapped the body: watch the current one
    observer.observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["data-result"],
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init); // Material instant navigation: runs on every page
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
