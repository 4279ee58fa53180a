/* Sortable batch table: each header is a button (click, Enter or Space); numbers sort as
   numbers, blanks last. Rows are moved, never rebuilt from text. */
(function () {
  "use strict";
  var table = document.getElementById("articles");
  var body = table.tBodies[0];
  var status = document.getElementById("sort-status");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function key(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell ? (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent) : "";
    raw = raw.trim();
    if (raw === "") return null;
    if (numeric) { var n = parseFloat(raw); return isNaN(n) ? null : n; }
    return raw.toLowerCase();
  }

  // The filter box hides rows whose text does not contain every word typed (case-insensitive).
  var filter = document.getElementById("filter");
  var filterStatus = document.getElementById("filter-status");
  filter.addEventListener("input", function () {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var text = row.textContent.toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    filterStatus.textContent = words.length ? shown + " of " + body.rows.length + " shown" : "";
  });

  // Served by `tqa review` (/TOKEN/index.html): the reviewed articles' text can be written from here.
  var api = location.protocol !== "file:" ? "/" + location.pathname.split("/")[1] + "/api/" : null;
  var served = document.getElementById("served");
  if (api && served) {
    fetch(api + "articles").then(function (r) { if (!r.ok) throw new Error(); return r.json(); }).then(function (body) {
      served.hidden = false;
      document.getElementById("served-status").textContent = body.reviewed.length + " of " + body.articles.length + " article(s) reviewed";
    }).catch(function () { /* not served by tqa review */ });
    document.getElementById("write-all").addEventListener("click", function () {
      fetch(api + "apply", { method: "POST" }).then(function (r) { return r.json(); }).then(function (body) {
        document.getElementById("served-status").textContent = "Wrote " + body.written.length + " final text(s)" +
          (body.errors.length ? "; not written: " + body.errors.map(function (e) { return e.stem + ": " + e.error; }).join("; ") : "");
      });
    });
  }

  headers.forEach(function (th, index) {
    var button = th.querySelector("button.sort");
    if (!button) return;
    button.addEventListener("click", function () {
      var numeric = th.getAttribute("data-type") === "num";
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
        return { row: row, key: key(row, index, numeric), i: i };
      });
      rows.sort(function (x, y) {
        if (x.key === null || y.key === null) return x.key === y.key ? x.i - y.i : (x.key === null ? 1 : -1);
        if (x.key === y.key) return x.i - y.i;
        return (x.key < y.key ? -1 : 1) * (ascending ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r.row); });
      headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      status.textContent = "Sorted by " + th.textContent.trim() + ", " + (ascending ? "ascending" : "descending") + ".";
    });
  });
})();
