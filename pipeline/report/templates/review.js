/* Keyboard review of one article. Article text reaches the page only as escaped HTML and
   the JSON above; this script sets textContent and classes, never markup.
   Every item (a change, or a finding no change stands for) has a state: pending (nothing
   decided), fixed (a change applied, or the reviewer's own text) or dismissed (a false
   alarm); a change is also applied or not. Decisions are kept under the item's stable id. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tqa-review").textContent);
  var PENDING = "pending", FIXED = "fixed", DISMISSED = "dismissed";
  var items = data.items.map(function (c, k) { return { c: c, k: k }; });
  items.sort(function (x, y) { return (x.c.start - y.c.start) || (x.c.end - y.c.end) || (x.k - y.k); });
  var byId = Object.create(null);   // stable id -> item
  var byDom = Object.create(null);  // chip id (c3, f6) -> item
  var order = Object.create(null);
  items.forEach(function (item, k) {
    var c = item.c;
    c.state = PENDING; c.applied = c.kind === "applied"; c.fix = null; c.comment = "";
    byId[c.id] = c; byDom[c.dom] = c; order[c.dom] = k;
  });
  // j/k follow the text order, not where a chip happens to sit in the page.
  var chips = Array.prototype.slice.call(document.querySelectorAll("button.chip")).sort(function (a, b) {
    return order[a.getAttribute("data-id")] - order[b.getAttribute("data-id")];
  });
  var help = document.getElementById("help");
  var toolbar = document.getElementById("toolbar");
  var status = document.getElementById("current");
  var counts = document.getElementById("counts");
  var entry = document.getElementById("entry");
  var entryText = document.getElementById("entry-text");
  var entryLabel = document.getElementById("entry-label");
  var severityFilter = document.getElementById("filter-severity");
  var checkFilter = document.getElementById("filter-check");
  var storeKey = "tqa-review:" + data.input.text_sha256;
  // Served by `tqa review`: the URL is /TOKEN/STEM.html, and decisions go to /TOKEN/api/.
  var server = location.protocol !== "file:" ? "/" + location.pathname.split("/")[1] + "/api/" : null;
  var current = -1;
  var editing = null;  // "fix" or "comment" while the entry box is open

  var invisible = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
  function shown(text) {
    return String(text).replace(invisible, function (ch) {
      return "[U+" + ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0") + "]";
    });
  }
  function say(text) { status.textContent = shown(text); }

  function pieces(dom) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-changes]"), function (el) {
      return el.getAttribute("data-changes").split(" ").indexOf(dom) >= 0;
    });
  }

  var MARKS = { pending: "\u2022", fixed: "\u2713", dismissed: "\u2298" };

  function after(chip, cls) {
    var el = chip.nextElementSibling;
    if (el && el.classList.contains(cls)) return el;
    el = document.createElement("span");
    el.className = cls;
    chip.parentNode.insertBefore(el, chip.nextSibling);
    return el;
  }

  function paint(c) {
    var chip = document.getElementById(c.dom);
    if (chip) {
      [PENDING, FIXED, DISMISSED].forEach(function (s) { chip.classList.toggle("is-" + s, c.state === s); });
      chip.querySelector(".mark").textContent = MARKS[c.state];
      chip.querySelector(".state").textContent = c.state;
      var comment = c.comment ? after(chip, "comment-note") : null;
      if (comment) comment.textContent = "\u201c" + shown(c.comment) + "\u201d";
      var fix = c.fix !== null ? after(chip, "own-fix") : null;
      if (fix) fix.textContent = "\u2192 " + shown(c.fix);
      var next = chip.nextElementSibling;
      while (next && (next.classList.contains("own-fix") || next.classList.contains("comment-note"))) {
        var drop = (next.classList.contains("own-fix") && c.fix === null) || (next.classList.contains("comment-note") && !c.comment);
        var following = next.nextElementSibling;
        if (drop) next.remove();
        next = following;
      }
    }
    var row = document.querySelector('#findings tr[data-id="' + c.id + '"]');
    if (row) row.querySelector("td.state").textContent = c.state + (c.fix !== null ? ": \u00ab" + shown(c.fix) + "\u00bb" : "");
    if (c.kind === "finding") return;  // its highlight shows the finding, not a decision
    pieces(c.dom).forEach(function (el) {
      var states = el.getAttribute("data-changes").split(" ").map(function (x) {
        return byDom[x] ? (byDom[x].applied ? "accept" : "reject") : "accept";
      });
      var same = states.every(function (s) { return s === states[0]; });
      el.classList.remove("is-accept", "is-reject", "is-mixed");
      el.classList.add(same ? "is-" + states[0] : "is-mixed");
    });
  }

  function tally() {
    var n = { pending: 0, fixed: 0, dismissed: 0 };
    data.items.forEach(function (c) { n[c.state] += 1; });
    var visible = chips.filter(matches).length;
    counts.textContent = (current >= 0 ? (current + 1) + " of " + chips.length : chips.length + " item(s)") +
      (visible < chips.length ? " (" + visible + " shown)" : "") +
      " \u00b7 " + n.pending + " pending, " + n.fixed + " fixed, " + n.dismissed + " dismissed";
  }

  function record(c) {
    return { id: c.id, state: c.state, applied: c.kind === "finding" ? undefined : c.applied, fix: c.fix, comment: c.comment };
  }

  function remember(changed) {
    var kept = {};
    data.items.forEach(function (c) { kept[c.id] = record(c); });
    try { window.localStorage.setItem(storeKey, JSON.stringify(kept)); } catch (e) { /* file:// storage may be off */ }
    if (server && changed.length) send(changed.map(record));
  }

  function send(records) {
    fetch(server + "decisions/" + encodeURI(data.stem), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ items: records })
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      toolbar.setAttribute("data-saved", String(Number(toolbar.getAttribute("data-saved") || 0) + 1));
    }).catch(function (err) { say("Not saved: " + err.message + " (is tqa review still running?)"); });
  }

  function adopt(saved) {
    var n = 0;
    Object.keys(saved || {}).forEach(function (id) {
      var c = byId[id], s = saved[id];
      if (!c || !s || [PENDING, FIXED, DISMISSED].indexOf(s.state) < 0) return;
      var before = JSON.stringify(record(c));
      c.state = s.state;
      if (c.kind !== "finding" && typeof s.applied === "boolean") c.applied = s.applied;
      c.fix = typeof s.fix === "string" ? s.fix : null;
      c.comment = typeof s.comment === "string" ? s.comment : "";
      if (JSON.stringify(record(c)) !== before) n += 1;
      paint(c);
    });
    return n;
  }

  function restore() {
    if (server) {
      fetch(server + "decisions/" + encodeURI(data.stem)).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (body) {
        var saved = {};
        (body.items || []).forEach(function (s) { saved[s.id] = s; });
        var n = adopt(saved);
        if (n) say("Resumed " + n + " decision(s) saved by tqa review.");
        tally();
        toolbar.setAttribute("data-ready", "1");
        document.getElementById("write").hidden = false;
        neighbours();
      }).catch(function () {
        server = null;  // served by something else than tqa review: decisions stay in this browser
        restoreLocal();
      });
      return;
    }
    restoreLocal();
  }

  function restoreLocal() {
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    var n = adopt(saved);
    if (n) say("Restored " + n + " decision(s) kept in this browser.");
    toolbar.setAttribute("data-ready", "1");
  }

  function neighbours() {
    fetch(server + "articles").then(function (r) { return r.json(); }).then(function (body) {
      var stems = body.articles || [], at = stems.indexOf(data.stem), nav = document.getElementById("neighbours");
      var depth = data.stem.split("/").length - 1, up = "../".repeat(depth);
      [["\u2190 Previous", at - 1, "prev-article"], ["Next \u2192", at + 1, "next-article"]].forEach(function (spec) {
        if (at < 0 || spec[1] < 0 || spec[1] >= stems.length) return;
        var a = document.createElement("a");
        a.href = up + stems[spec[1]].split("/").map(encodeURIComponent).join("/") + ".html";
        a.id = spec[2];
        a.textContent = spec[0] + ": " + stems[spec[1]];
        nav.appendChild(a);
      });
    });
  }

  function describe(c) {
    var where = c.context ? " \u00b7 in: \u00ab" + c.context + "\u00bb" : "";
    var own = c.fix !== null ? " \u00b7 your text: \u00ab" + c.fix + "\u00bb" : "";
    var note = c.comment ? " \u00b7 comment: " + c.comment : "";
    var head = c.label + " [" + c.state + "] id " + c.id + " \u00b7 ";
    if (c.kind === "finding") {
      return head + "finding " + c.check + " [" + c.severity + "]: " + c.message + " \u00b7 \u00ab" + c.text + "\u00bb" + own + note + where;
    }
    var what = (c.kind === "suggestion" ? "suggestion" : "change") + (c.applied ? ", applied" : ", not applied");
    var delta = c.mqm_delta ? " \u00b7 MQM " + (c.mqm_delta > 0 ? "+" : "\u2212") + Math.abs(c.mqm_delta).toFixed(2) : "";
    return head + what + " " + (c.check || "change") + (c.severity ? " [" + c.severity + "]" : "") + " (" + c.origin + "): " +
      c.reason + " \u00b7 \u00ab" + c.text + "\u00bb \u2192 \u00ab" + c.replacement + "\u00bb" + delta + own + note + where;
  }

  function matches(chip) {
    var c = byDom[chip.getAttribute("data-id")];
    return (!severityFilter.value || c.severity === severityFilter.value) && (!checkFilter.value || c.check === checkFilter.value);
  }

  function select(index, focus) {
    if (!chips.length) { say("Nothing to review."); return; }
    index = Math.max(0, Math.min(chips.length - 1, index));
    document.querySelectorAll(".current-change").forEach(function (el) { el.classList.remove("current-change"); });
    current = index;
    var chip = chips[index];
    var c = byDom[chip.getAttribute("data-id")];
    chip.classList.add("current-change");
    pieces(c.dom).forEach(function (el) { el.classList.add("current-change"); });
    if (focus !== false && document.activeElement !== chip) chip.focus();
    chip.scrollIntoView({ block: "center", inline: "nearest" });
    say(describe(c));
    tally();
  }

  function step(direction) {
    for (var i = current + direction; i >= 0 && i < chips.length; i += direction) {
      if (matches(chips[i])) { select(i); return; }
    }
    if (current < 0 || !matches(chips[current])) say("No more items match the filters.");
  }

  function currentItem() {
    if (current < 0) step(1);
    return current < 0 ? null : byDom[chips[current].getAttribute("data-id")];
  }

  // Overlapping changes cannot both be in the text: the others give way (undone, pending).
  function giveWay(c, changed, notes) {
    (c.conflicts || []).forEach(function (other) {
      var o = byId[other];
      if (o && o.applied) {
        o.applied = false;
        if (o.state === FIXED && o.fix === null) o.state = PENDING;
        paint(o); changed.push(o);
        notes.push(o.label + " undone: it overlaps " + c.label);
      }
    });
  }

  function decide(how) {
    var c = currentItem();
    if (!c) return;
    var changed = [c], notes = [];
    if (how === "apply" || how === "undo") {
      if (c.kind === "finding") { say(c.label + " has no change to " + how + ": press e to type your own text, d to dismiss it."); return; }
      c.applied = how === "apply"; c.fix = null; c.state = how === "apply" ? FIXED : PENDING;
      if (c.applied) giveWay(c, changed, notes);
    } else if (how === "dismiss") {
      c.state = DISMISSED; c.fix = null;
      if (c.kind !== "finding") c.applied = false;
    } else if (how === "pending") {
      c.state = PENDING; c.fix = null;
      if (c.kind !== "finding") c.applied = c.kind === "applied";
    }
    paint(c);
    remember(changed);
    say(describe(c) + (notes.length ? " \u00b7 " + notes.join("; ") : ""));
    tally();
  }

  function ownText(c, text) {
    var changed = [c], notes = [];
    c.fix = text; c.state = FIXED;
    if (c.kind !== "finding") c.applied = false;
    // the reviewer's text replaces the span: every applied change touching it gives way
    data.items.forEach(function (o) {
      if (o !== c && o.kind !== "finding" && o.applied && o.start < Math.max(c.end, c.start + 1) && c.start < Math.max(o.end, o.start + 1)) {
        o.applied = false;
        if (o.state === FIXED) o.state = PENDING;
        paint(o); changed.push(o);
        notes.push(o.label + " undone: your text replaces it");
      }
    });
    paint(c);
    remember(changed);
    say(describe(c) + (notes.length ? " \u00b7 " + notes.join("; ") : ""));
    tally();
  }

  function openEntry(kind) {
    var c = currentItem();
    if (!c) return;
    editing = kind;
    entryLabel.textContent = kind === "fix" ? "Your text for \u00ab" + shown(c.text) + "\u00bb" : "Comment on " + c.label;
    entryText.value = kind === "fix" ? (c.fix !== null ? c.fix : (c.replacement !== undefined ? c.replacement : c.text)) : c.comment;
    entry.hidden = false;
    entryText.focus();
    entryText.select();
  }

  function closeEntry(keep) {
    var c = current >= 0 ? byDom[chips[current].getAttribute("data-id")] : null;
    var kind = editing;
    editing = null;
    entry.hidden = true;
    if (c && keep) {
      if (kind === "fix") ownText(c, entryText.value);
      else { c.comment = entryText.value; paint(c); remember([c]); say(describe(c)); }
    }
    if (c) select(current);
  }

  // Shift+A / Shift+U: apply or undo every change of the current item's check. Never a
  // dismissal: findings without a change, and the state of undone ones, stay pending.
  function decideCheck(apply) {
    var c = currentItem();
    if (!c) return;
    var check = c.check, changed = [], notes = [];
    var same = data.items.filter(function (o) { return o.check === check && o.kind !== "finding"; });
    same.forEach(function (o) {
      o.applied = apply; o.fix = null;
      o.state = apply ? FIXED : (o.state === DISMISSED ? DISMISSED : PENDING);
      if (!apply && o.state === DISMISSED) o.applied = false;
      paint(o); changed.push(o);
    });
    if (apply) same.forEach(function (o) { giveWay({ conflicts: (o.conflicts || []).filter(function (x) { return byId[x] && byId[x].check !== check; }), label: o.label }, changed, notes); });
    remember(changed);
    say((apply ? "Applied" : "Undid") + " all " + same.length + " change(s) of " + (check || "this check") +
      (apply ? " (their findings fixed)" : " (their findings pending)") + (notes.length ? " \u00b7 " + notes.join("; ") : ""));
    tally();
  }

  function decisionsFile() {
    return {
      schema: "tqa-decisions/2", report_schema: data.schema, tqa: data.tqa, input: data.input, saved: new Date().toISOString(),
      items: items.map(function (item) {
        var c = item.c, out = {
          id: c.id, label: c.label, kind: c.kind, check: c.check, origin: c.origin || null, severity: c.severity,
          start: c.start, end: c.end, text: c.text, replacement: c.kind === "finding" ? null : c.replacement,
          state: c.state, fix: c.fix, comment: c.comment
        };
        if (c.kind !== "finding") { out.applied = c.applied; out.finding = c.finding === undefined ? null : c.finding; }
        else out.message = c.message;
        return out;
      })
    };
  }

  function save() {
    var name = toolbar.getAttribute("data-download") || "decisions.json";
    if (server) {
      send(data.items.map(record));
      say("Every decision is saved by tqa review as it is made (" + name + "); press w to write the cleaned text.");
      return;
    }
    var out = decisionsFile();
    var url = URL.createObjectURL(new Blob([JSON.stringify(out, null, 2) + "\n"], { type: "application/json" }));
    var link = document.createElement("a");
    link.href = url; link.download = name; link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    var pending = out.items.filter(function (c) { return c.state === PENDING; }).length;
    say("Saved " + out.items.length + " item(s) as " + name + " (" + pending + " still pending); run: tqa apply " + name);
  }

  function write() {
    if (!server) { say("Writing the text needs tqa review; from a file, run tqa apply on the saved decisions."); return; }
    fetch(server + "apply/" + encodeURI(data.stem), { method: "POST" }).then(function (r) { return r.json(); }).then(function (body) {
      say(body.error ? "Not written: " + body.error : "Wrote " + body.output + " (" + body.message + ")");
    });
  }

  function filter() {
    chips.forEach(function (chip) { chip.classList.toggle("filtered-out", !matches(chip)); });
    var rows = document.querySelectorAll("#findings tbody tr"), shownRows = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var ok = (!severityFilter.value || row.getAttribute("data-severity") === severityFilter.value) &&
        (!checkFilter.value || row.getAttribute("data-check") === checkFilter.value);
      row.classList.toggle("filtered-out", !ok);
      shownRows += ok ? 1 : 0;
    });
    var note = document.getElementById("findings-status");
    if (note) note.textContent = shownRows < rows.length ? shownRows + " of " + rows.length + " finding(s) shown" : "";
    tally();
  }

  function toggleHelp() { if (help.open) help.close(); else help.showModal(); }

  var actions = {
    next: function () { step(1); },
    prev: function () { step(-1); },
    apply: function () { decide("apply"); },
    undo: function () { decide("undo"); },
    dismiss: function () { decide("dismiss"); },
    pending: function () { decide("pending"); },
    edit: function () { openEntry("fix"); },
    comment: function () { openEntry("comment"); },
    applyCheck: function () { decideCheck(true); },
    undoCheck: function () { decideCheck(false); },
    save: save,
    write: write,
    help: toggleHelp
  };
  var keys = { j: "next", ArrowDown: "next", k: "prev", ArrowUp: "prev", a: "apply", u: "undo", r: "undo", d: "dismiss",
    p: "pending", e: "edit", c: "comment", A: "applyCheck", U: "undoCheck", R: "undoCheck", s: "save", w: "write", "?": "help" };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target === entryText && event.key === "Escape") { event.preventDefault(); closeEntry(false); return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var action = keys[event.key] || (event.key.length === 1 && !event.shiftKey ? keys[event.key.toLowerCase()] : null);
    if (!action || (help.open && action !== "help")) return;
    event.preventDefault();
    actions[action]();
  });
  entry.addEventListener("submit", function (event) { event.preventDefault(); closeEntry(true); });
  document.getElementById("entry-cancel").addEventListener("click", function () { closeEntry(false); });
  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-act]");
    if (button) actions[button.getAttribute("data-act")]();
  });
  severityFilter.addEventListener("change", filter);
  checkFilter.addEventListener("change", filter);
  chips.forEach(function (chip, index) {
    chip.addEventListener("focus", function () { if (current !== index) select(index, false); });
  });
  // A row of the findings table jumps to its item in the text.
  var table = document.getElementById("findings");
  if (table) table.addEventListener("click", function (event) {
    var row = event.target.closest("tr[data-item]");
    var dom = row && row.getAttribute("data-item");
    if (!dom || !document.getElementById(dom)) return;
    event.preventDefault();
    select(chips.indexOf(document.getElementById(dom)));
  });
  toolbar.hidden = false;
  restore();
  tally();
})();
