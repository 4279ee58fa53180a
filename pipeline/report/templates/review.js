/* Keyboard review of one article. Article text reaches the page only as escaped HTML and
   the JSON above; this script sets textContent and classes, never markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tqa-review").textContent);
  data.findings = data.findings || [];
  // Changes and the findings no change stands for, in text order: what j/k visit.
  var items = data.changes.concat(data.findings).map(function (c, k) { return { c: c, k: k }; });
  items.sort(function (x, y) {
    return (x.c.start - y.c.start) || (x.c.end - y.c.end) || (x.k - y.k);
  });
  var byId = Object.create(null);
  var order = Object.create(null);
  items.forEach(function (item, k) { byId[item.c.id] = item.c; order[item.c.id] = k; });
  // j/k and "N of M" follow the text order, not where a chip happens to sit: a chip
  // nested in a suggestion's highlight comes after it in the page.
  var chips = Array.prototype.slice.call(document.querySelectorAll("button.chip")).sort(function (a, b) {
    return order[a.getAttribute("data-id")] - order[b.getAttribute("data-id")];
  });
  var help = document.getElementById("help");
  var toolbar = document.getElementById("toolbar");
  var status = document.getElementById("current");
  var counts = document.getElementById("counts");
  // Decisions kept in this browser belong to this text and this set of changes only.
  var storeKey = "tqa-decisions:" + data.input.text_sha256 + ":" + data.changes_sha256;
  var current = -1;

  // Bidi overrides and invisible marks in article text would reorder or hide what is read:
  // show them as labels, as the page does.
  var invisible = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
  function shown(text) {
    return String(text).replace(invisible, function (ch) {
      return "[U+" + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0") + "]";
    });
  }

  function say(text) { status.textContent = shown(text); }

  function pieces(id) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-changes]"), function (el) {
      return el.getAttribute("data-changes").split(" ").indexOf(id) >= 0;
    });
  }

  function paint(id) {
    var chip = document.getElementById(id);
    var decision = byId[id].decision;
    if (chip) {
      chip.classList.toggle("is-accept", decision === "accept");
      chip.classList.toggle("is-reject", decision === "reject");
      chip.classList.toggle("is-open", decision === "open");
      chip.querySelector(".mark").textContent = decision === "accept" ? "\u2713" : decision === "open" ? "\u2022" : "\u2717";
      chip.querySelector(".sr").textContent = (decision === "open" ? "to review" : decision + "ed") + ": ";
    }
    if (byId[id].kind === "finding") return;  // its highlight shows the finding, not a decision
    pieces(id).forEach(function (el) {
      var ids = el.getAttribute("data-changes").split(" ");
      var states = ids.map(function (x) { return byId[x] ? byId[x].decision : "accept"; });
      var same = states.every(function (s) { return s === states[0]; });
      el.classList.remove("is-accept", "is-reject", "is-mixed");
      el.classList.add(same ? "is-" + states[0] : "is-mixed");
    });
  }

  function tally() {
    var accepted = data.changes.filter(function (c) { return c.decision === "accept"; }).length;
    var ok = data.findings.filter(function (f) { return f.decision === "accept"; }).length;
    counts.textContent = (current >= 0 ? (current + 1) + " of " + chips.length : chips.length + " item(s)") +
      " \u00b7 changes: " + accepted + " accepted, " + (data.changes.length - accepted) + " rejected" +
      (data.findings.length ? " \u00b7 findings: " + ok + " of " + data.findings.length + " accepted as they are" : "");
  }

  function remember() {
    var decisions = {};
    data.changes.concat(data.findings).forEach(function (c) { decisions[c.id] = c.decision; });
    try { window.localStorage.setItem(storeKey, JSON.stringify(decisions)); } catch (e) { /* file:// storage may be off */ }
  }

  function restore() {
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!saved) return;
    var n = 0;
    data.changes.concat(data.findings).forEach(function (c) {
      if (saved[c.id] === "accept" || saved[c.id] === "reject" || (saved[c.id] === "open" && c.kind === "finding")) {
        if (saved[c.id] !== c.decision) n += 1;
        c.decision = saved[c.id];
        paint(c.id);
      }
    });
    if (n) say("Restored " + n + " decision(s) kept in this browser.");
  }

  function describe(c) {
    var where = c.context ? " \u00b7 in: \u00ab" + c.context + "\u00bb" : "";
    if (c.kind === "finding") {
      var state = c.decision === "open" ? "to review" : c.decision === "accept" ? "accepted as it is" : "kept open";
      return "#" + c.number + " finding (" + state + ") " + c.check + " [" + c.severity + "]: " + c.message +
        " \u00b7 \u00ab" + c.text + "\u00bb" + where;
    }
    var what = c.kind === "suggestion" ? "suggestion" : "applied change";
    var delta = c.mqm_delta ? " \u00b7 MQM " + (c.mqm_delta > 0 ? "+" : "\u2212") + Math.abs(c.mqm_delta).toFixed(2) : "";
    return c.id + " (" + what + ", " + c.decision + "ed) " + (c.check || "change") +
      (c.severity ? " [" + c.severity + "]" : "") + " (" + c.origin + "): " + c.reason +
      " \u00b7 \u00ab" + c.text + "\u00bb \u2192 \u00ab" + c.replacement + "\u00bb" + delta + where;
  }

  function select(index, focus) {
    if (!chips.length) { say("Nothing to review."); return; }
    index = Math.max(0, Math.min(chips.length - 1, index));
    document.querySelectorAll(".current-change").forEach(function (el) { el.classList.remove("current-change"); });
    current = index;
    var chip = chips[index];
    var id = chip.getAttribute("data-id");
    chip.classList.add("current-change");
    pieces(id).forEach(function (el) { el.classList.add("current-change"); });
    if (focus !== false && document.activeElement !== chip) chip.focus();
    chip.scrollIntoView({ block: "center", inline: "nearest" });
    say(describe(byId[id]));
    tally();
  }

  function decide(decision) {
    if (current < 0) { select(0); if (current < 0) return; }
    var c = byId[chips[current].getAttribute("data-id")];
    c.decision = decision;
    paint(c.id);
    var notes = [];
    if (decision === "accept" && c.conflicts) {
      c.conflicts.forEach(function (other) {
        if (byId[other] && byId[other].decision === "accept") {
          byId[other].decision = "reject";
          paint(other);
          notes.push(other + " rejected: it overlaps " + c.id);
        }
      });
    }
    remember();
    say(describe(c) + (notes.length ? " \u00b7 " + notes.join("; ") : ""));
    tally();
  }

  // Shift+A / Shift+R: the same decision for every change of the current change's check
  // (all hyphen-spacing repairs at once); overlapping changes of other checks give way.
  function decideCheck(decision) {
    if (current < 0) { select(0); if (current < 0) return; }
    var check = byId[chips[current].getAttribute("data-id")].check;
    var same = data.changes.concat(data.findings).filter(function (c) { return c.check === check; });
    var notes = [];
    same.forEach(function (c) { c.decision = decision; paint(c.id); });
    if (decision === "accept") {
      same.forEach(function (c) {
        (c.conflicts || []).forEach(function (other) {
          var o = byId[other];
          if (o && o.check !== check && o.decision === "accept") {
            o.decision = "reject";
            paint(other);
            notes.push(other + " rejected: it overlaps " + c.id);
          }
        });
      });
    }
    remember();
    say(decision.charAt(0).toUpperCase() + decision.slice(1) + "ed all " + same.length + " change(s) and finding(s) of " + (check || "this check") +
      (notes.length ? " \u00b7 " + notes.join("; ") : ""));
    tally();
  }

  function save() {
    var out = {
      schema: "tqa-decisions/1",
      report_schema: data.schema,
      tqa: data.tqa,
      input: data.input,
      saved: new Date().toISOString(),
      changes: data.changes.map(function (c) {
        return {
          id: c.id, kind: c.kind, check: c.check, origin: c.origin, severity: c.severity,
          start: c.start, end: c.end, text: c.text, replacement: c.replacement, decision: c.decision
        };
      }),
      findings: data.findings.map(function (f) {
        return { id: f.id, number: f.number, check: f.check, severity: f.severity, start: f.start, end: f.end, text: f.text, decision: f.decision };
      })
    };
    var name = toolbar.getAttribute("data-download") || "decisions.json";
    var url = URL.createObjectURL(new Blob([JSON.stringify(out, null, 2) + "\n"], { type: "application/json" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    say("Saved " + out.changes.length + " decision(s) as " + name + "; run: tqa apply " + name);
  }

  function toggleHelp() {
    if (help.open) help.close(); else help.showModal();
  }

  var actions = {
    next: function () { select(current + 1); },
    prev: function () { select(current < 0 ? 0 : current - 1); },
    accept: function () { decide("accept"); },
    reject: function () { decide("reject"); },
    acceptCheck: function () { decideCheck("accept"); },
    rejectCheck: function () { decideCheck("reject"); },
    save: save,
    help: toggleHelp
  };
  var keys = { j: "next", ArrowDown: "next", k: "prev", ArrowUp: "prev", a: "accept", r: "reject", A: "acceptCheck", R: "rejectCheck", s: "save", "?": "help" };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var action = keys[event.key] || keys[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action || (help.open && action !== "help")) return;
    event.preventDefault();
    actions[action]();
  });
  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-act]");
    if (button) actions[button.getAttribute("data-act")]();
  });
  chips.forEach(function (chip, index) {
    chip.addEventListener("focus", function () { if (current !== index) select(index, false); });
  });
  toolbar.hidden = false;
  restore();
  tally();
})();
