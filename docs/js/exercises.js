/* condis-edu exercises and knowledge checks in the page.
 *
 * Contract (see src/condis_edu/exercises and docs/reference/exercises.md):
 *   - a solution is <details class="condis-solution" data-exercise="ID"> in a Markdown cell;
 *   - a check result is .condis-check[data-exercise=ID][data-result=pass|fail|missing]
 *     (CheckResult._repr_html_), carrying its hints (li[data-hint=N], hidden) and, on a failure,
 *     the trace comparison (.condis-diff, hidden);
 *   - a knowledge check is .condis-quiz[data-knowledge=ID][data-answer=DIGEST] with one
 *     button.condis-quiz__choice[data-choice] per answer (QuizView._repr_html_).
 *
 * What counts as the reader's attempt at an exercise: a check result that appears in a live output
 * (.condis-output) of a run the reader started on that cell (its Run button or Shift+Enter). The
 * build-time output is not one, and neither is "Run all": while the page runs everything, the toolbar
 * carries data-condis-run-all="running" (web/notebook.js), and a cell may also be marked
 * data-condis-run-origin="all". A result with data-result="missing" (the exercise cell had not run)
 * is not an attempt either.
 *
 * After an attempt: the solution unlocks, a failure offers its hints one at a time and shows the
 * reader's trace beside the reference driver's, and the result is stored (below). A click on a
 * knowledge check's answer is graded here and stored the same way.
 *
 * Results, shared with the course's progress display:
 *   localStorage "condis-edu:v1:result:<id>" = {"kind": "exercise"|"knowledge", "passed": bool,
 *     "at": ISO time, "page": location.pathname}; a pass is never replaced by a later fail, and the
 *     first pass keeps its time;
 *   document event "condis:result" with detail {id, kind, passed, at, page} for every new result.
 * Results from before this contract ("condis-edu:exercise:<id>" = "pass"|"fail") are carried over.
 *
 * Without JavaScript nothing is locked: the solution is an ordinary collapsed <details>, and the
 * hints stay hidden (in Python, hint(id, n) shows them).
 */
(function () {
  "use strict";
  var RESULT = "condis-edu:v1:result:";
  var OLD = "condis-edu:exercise:";
  var HINTS_SHOWN = "condis-edu:v1:hints-shown:"; // sessionStorage: hints stay open for this visit
  var LOCKED_NOTE = " (opens after you run the check cell yourself)";

  // ------------------------------------------------------------------ storage

  function readResult(id) {
    try {
      var raw = localStorage.getItem(RESULT + id);
      var value = raw ? JSON.parse(raw) : null;
      return value && typeof value === "object" && typeof value.passed === "boolean" ? value : null;
    } catch (e) {
      return null;
    }
  }

  var memory = {}; // when storage is disabled, results last for this page view

  function recall(id) {
    return readResult(id) || memory[id] || null;
  }

  function record(id, kind, passed) {
    var result = { kind: kind, passed: passed, at: new Date().toISOString(), page: location.pathname };
    var before = recall(id);
    var kept = before && before.passed ? before : result;
    memory[id] = kept;
    try {
      localStorage.setItem(RESULT + id, JSON.stringify(kept));
    } catch (e) {
      /* storage disabled or full: the memory copy serves this page view */
    }
    document.dispatchEvent(
      new CustomEvent("condis:result", {
        detail: { id: id, kind: kind, passed: passed, at: result.at, page: result.page },
      }),
    );
    return kept;
  }

  function migrate(id) {
    try {
      var old = localStorage.getItem(OLD + id);
      if (old === null) return;
      if (!readResult(id)) {
        var value = { kind: "exercise", passed: old === "pass", at: new Date().toISOString(), page: location.pathname };
        localStorage.setItem(RESULT + id, JSON.stringify(value));
      }
      localStorage.removeItem(OLD + id);
    } catch (e) {
      /* nothing to carry over */
    }
  }

  function hintsShown(id) {
    try {
      return parseInt(sessionStorage.getItem(HINTS_SHOWN + id) || "0", 10) || 0;
    } catch (e) {
      return memory["hints:" + id] || 0;
    }
  }

  function setHintsShown(id, n) {
    memory["hints:" + id] = n;
    try {
      sessionStorage.setItem(HINTS_SHOWN + id, String(n));
    } catch (e) {
      /* memory only */
    }
  }

  function formatDate(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "an earlier visit";
    return d.toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
  }

  // ------------------------------------------------------------------ solutions

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
    s.title = "Run the exercise's check cell yourself once to unlock the solution";
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

  // ------------------------------------------------------------------ check results

  function startedByRunAll(el) {
    var cell = el.closest("[data-condis-cell]");
    if (cell && cell.dataset.condisRunOrigin) return cell.dataset.condisRunOrigin === "all";
    var toolbar = document.querySelector(".condis-toolbar");
    return !!toolbar && toolbar.dataset.condisRunAll === "running";
  }

  function storedNote(el, stored) {
    if (el.querySelector(".condis-check__stored")) return;
    el.dataset.condisStored = "pass";
    var note = document.createElement("p");
    note.className = "condis-check__stored";
    note.textContent =
      "✓ Passed on " +
      formatDate(stored.at) +
      " in this browser. The result below is that of the code shown in the exercise cell, not of your passing version.";
    el.insertBefore(note, el.firstChild);
  }

  function offerHints(el, id) {
    var box = el.querySelector(".condis-check__hints");
    var items = el.querySelectorAll(".condis-check__hint[data-hint]");
    if (!box || !items.length || box.dataset.condisReady === "true") return;
    box.dataset.condisReady = "true";
    box.hidden = false;
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "condis-btn condis-hint-btn";
    function show(n) {
      for (var i = 0; i < items.length; i++) items[i].hidden = i >= n;
      box.dataset.condisShown = String(n);
      if (n >= items.length) {
        btn.hidden = true;
      } else {
        btn.textContent = (n ? "Show the next hint" : "Show a hint") + " (" + (n + 1) + " of " + items.length + ")";
      }
    }
    btn.addEventListener("click", function () {
      var n = Math.min(hintsShown(id) + 1, items.length);
      setHintsShown(id, n);
      show(n);
      items[n - 1].setAttribute("tabindex", "-1");
      items[n - 1].focus();
    });
    box.appendChild(btn);
    show(Math.min(hintsShown(id), items.length));
  }

  function sawResult(el) {
    var id = el.getAttribute("data-exercise");
    var state = el.getAttribute("data-result");
    var live = !!el.closest(".condis-output");
    if (!live || el.dataset.condisSeen === "true") {
      var stored = recall(id);
      if (stored && stored.passed && state !== "pass") storedNote(el, stored);
      return;
    }
    el.dataset.condisSeen = "true";
    if (state === "missing") return; // nothing was checked: not an attempt
    if (startedByRunAll(el)) {
      el.dataset.condisAttempt = "run-all";
      var earlier = recall(id);
      if (earlier && earlier.passed && state !== "pass") storedNote(el, earlier);
      return;
    }
    el.dataset.condisAttempt = "own";
    var passed = state === "pass";
    var kept = record(id, "exercise", passed);
    solutions(id).forEach(function (d) {
      unlock(d, passed ? "pass" : "fail");
    });
    if (passed) {
      var note = document.createElement("p");
      note.className = "condis-check__stored";
      note.textContent = "✓ Passed on " + formatDate(kept.at) + ". This is remembered in this browser.";
      el.insertBefore(note, el.firstChild);
      annotateStatic(id, kept);
    } else {
      offerHints(el, id);
      var diff = el.querySelector(".condis-diff");
      if (diff) diff.hidden = false;
      if (kept.passed) storedNote(el, kept);
    }
  }

  function annotateStatic(id, stored) {
    var sel = '.jp-Cell-outputWrapper .condis-check[data-exercise="' + id + '"]';
    document.querySelectorAll(sel).forEach(function (el) {
      if (el.getAttribute("data-result") !== "pass") storedNote(el, stored);
    });
  }

  // ------------------------------------------------------------------ knowledge checks

  function digest(id, answer) {
    // FNV-1a, 32 bits, over the UTF-8 bytes of "<id>\n<answer>" (condis_edu.exercises.answer_digest).
    var bytes = new TextEncoder().encode(id + "\n" + answer);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ("0000000" + h.toString(16)).slice(-8);
  }

  function answered(event) {
    var btn = event.target.closest && event.target.closest(".condis-quiz__choice");
    if (!btn) return;
    var quiz = btn.closest(".condis-quiz[data-knowledge]");
    if (!quiz) return;
    var id = quiz.getAttribute("data-knowledge");
    var right = digest(id, btn.getAttribute("data-choice")) === quiz.getAttribute("data-answer");
    quiz.querySelectorAll(".condis-quiz__choice").forEach(function (b) {
      if (b === btn) {
        b.dataset.graded = right ? "right" : "wrong";
        b.setAttribute("aria-pressed", "true");
      } else {
        b.setAttribute("aria-pressed", "false");
        if (right) delete b.dataset.graded;
      }
    });
    quiz.dataset.graded = right ? "right" : "wrong";
    var feedback = quiz.querySelector(".condis-quiz__feedback");
    var explain = quiz.querySelector(".condis-quiz__explain");
    if (feedback) {
      feedback.textContent = right
        ? "Right."
        : "Not quite. Read the trace again, line by line, and try another answer.";
    }
    if (explain) explain.hidden = !right;
    var kept = record(id, "knowledge", right);
    if (right) quizStored(quiz, kept);
  }

  function quizStored(quiz, stored) {
    var note = quiz.querySelector(".condis-quiz__stored");
    if (!note) {
      note = document.createElement("p");
      note.className = "condis-quiz__stored";
      quiz.insertBefore(note, quiz.querySelector(".condis-quiz__prompt"));
    }
    quiz.dataset.condisStored = "pass";
    note.textContent = "✓ Answered correctly on " + formatDate(stored.at) + ".";
  }

  function sawQuiz(quiz) {
    var stored = recall(quiz.getAttribute("data-knowledge"));
    if (stored && stored.passed) quizStored(quiz, stored);
  }

  // ------------------------------------------------------------------ wiring

  function scan(root) {
    if (root.nodeType !== 1) return;
    if (root.matches(".condis-check[data-exercise][data-result]")) sawResult(root);
    root.querySelectorAll(".condis-check[data-exercise][data-result]").forEach(sawResult);
    if (root.matches(".condis-quiz[data-knowledge]")) sawQuiz(root);
    root.querySelectorAll(".condis-quiz[data-knowledge]").forEach(sawQuiz);
  }

  var observer = null;

  function init() {
    solutions().forEach(function (d) {
      var id = d.getAttribute("data-exercise");
      migrate(id);
      var before = recall(id);
      if (before) {
        d.dataset.condisAttempt = before.passed ? "pass" : "fail";
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
      document.addEventListener("click", answered);
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
