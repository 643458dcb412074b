/* Sortable tables (table.sortable): the page is already sorted by the server; this
   turns each header marked data-sort="number|text" into a button that sorts the rows
   by that column, toggling the direction and keeping aria-sort on the header. */
(function () {
  "use strict";
  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    var raw = cell.getAttribute("data-value");
    if (raw === null) raw = cell.textContent;
    return kind === "number" ? parseFloat(raw) || 0 : raw;
  }
  function sortBy(table, th, index, kind) {
    var body = table.tBodies[0];
    var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var rows = Array.prototype.slice.call(body.rows).map(function (row, i) { return [row, i]; });
    rows.sort(function (a, b) {
      var x = cellValue(a[0], index, kind), y = cellValue(b[0], index, kind);
      var order = kind === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
      if (direction === "descending") order = -order;
      return order || a[1] - b[1];
    });
    rows.forEach(function (pair) { body.appendChild(pair[0]); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", direction);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, th, index, kind); });
    });
  });
})();
