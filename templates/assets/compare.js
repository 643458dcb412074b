/* The compare page (compare/index.html): places side by side. The choice is in the address
   (?places=500105,330702&year=2021, or &from=2019&to=2021); places.js gives the places,
   indicators and topics, and each chosen place's d/<code>.js its reports, figures and
   sections. Both are scripts, added as <script> tags, so the page works from file://.
   Everything shown is set as text, never as HTML. */
(function () {
  "use strict";
  var archive = null;
  var loaded = {};
  var choice = { codes: [], from: null, to: null, ignored: [] };
  var form = document.getElementById("compare-form");
  var chosenList = document.getElementById("compare-chosen");
  var addInput = document.getElementById("compare-add");
  var status = document.getElementById("compare-status");
  var results = document.getElementById("compare-results");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function link(path, anchor, text) {
    return el("a", { href: "../" + path + (anchor ? "#" + anchor : ""), text: text });
  }
  function byCode(code) {
    return archive.places.filter(function (p) { return p.code === code; })[0] || null;
  }
  function periodName(p) {
    var names = { annual: "全年", H1: "上半年", H2: "下半年", Q1: "第一季度", Q2: "第二季度", Q3: "第三季度", Q4: "第四季度", "Q1-Q3": "前三季度" };
    return names[p] || p;
  }
  function inRange(year) {
    return year && (choice.from === null || year >= choice.from) && (choice.to === null || year <= choice.to);
  }

  function readChoice() {
    var params = new URLSearchParams(window.location.search);
    var codes = (params.get("places") || "").split(",").filter(function (c) { return c !== ""; });
    var known = codes.filter(function (c, i) { return codes.indexOf(c) === i && byCode(c); });
    choice.codes = known.slice(0, archive.max);
    /* A shared link may name a place the archive has no report of, or more than it compares:
       say what was left out rather than drop it silently. */
    choice.ignored = codes.filter(function (c, i) { return codes.indexOf(c) === i && choice.codes.indexOf(c) < 0; });
    var year = parseInt(params.get("year"), 10);
    var from = parseInt(params.get("from"), 10), to = parseInt(params.get("to"), 10);
    choice.from = year || from || null;
    choice.to = year || to || null;
  }
  function address() {
    var query = "places=" + choice.codes.join(",");
    if (choice.from && choice.from === choice.to) query += "&year=" + choice.from;
    else {
      if (choice.from) query += "&from=" + choice.from;
      if (choice.to) query += "&to=" + choice.to;
    }
    return "index.html?" + query;
  }

  function drawChosen() {
    chosenList.textContent = "";
    choice.codes.forEach(function (code) {
      var place = byCode(code);
      var remove = el("button", { type: "button", "aria-label": "移除" + place.full, text: "×" });
      remove.addEventListener("click", function () {
        choice.codes = choice.codes.filter(function (c) { return c !== code; });
        drawChosen();
      });
      chosenList.appendChild(el("li", {}, [place.full + " ", remove]));
    });
    document.getElementById("compare-codes").value = choice.codes.join(",");
  }
  function fillForm() {
    var list = document.getElementById("compare-places");
    archive.places.forEach(function (p) { list.appendChild(el("option", { value: p.full })); });
    var years = {};
    archive.places.forEach(function (p) { p.years.forEach(function (y) { years[y] = true; }); });
    Object.keys(years).sort().reverse().forEach(function (y) {
      ["compare-from", "compare-to"].forEach(function (id) {
        document.getElementById(id).appendChild(el("option", { value: y, text: y + "年" }));
      });
    });
    if (choice.from) document.getElementById("compare-from").value = String(choice.from);
    if (choice.to) document.getElementById("compare-to").value = String(choice.to);
    drawChosen();
  }
  function addPlace() {
    var text = addInput.value.trim();
    var place = archive.places.filter(function (p) { return p.full === text; })[0] ||
      archive.places.filter(function (p) { return p.name === text; })[0];
    if (!place) { status.textContent = "没有找到“" + text + "”：请从列表中选择有报告的地区。"; return; }
    if (choice.codes.indexOf(place.code) < 0) {
      if (choice.codes.length >= archive.max) { status.textContent = "最多对比 " + archive.max + " 个地区。"; return; }
      choice.codes.push(place.code);
    }
    addInput.value = "";
    status.textContent = "";
    drawChosen();
  }

  function load(done) {
    var waiting = choice.codes.length;
    if (!waiting) { done(); return; }
    choice.codes.forEach(function (code) {
      var script = document.createElement("script");
      script.src = "d/" + code + ".js";
      script.onload = script.onerror = function () { waiting -= 1; if (!waiting) done(); };
      document.head.appendChild(script);
    });
  }

  function reportsTable(places) {
    var table = el("table", { "class": "figures-table stack compare-reports" });
    table.appendChild(el("caption", { text: "所选年份的报告" }));
    table.appendChild(el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: "地区" }), el("th", { scope: "col", text: "报告" })])]));
    var body = el("tbody");
    places.forEach(function (p) {
      var list = el("ul", { "class": "report-list" });
      p.reports.filter(function (r) { return inRange(r.year); }).forEach(function (r) {
        list.appendChild(el("li", {}, [link(r.page, null, r.title),
          el("span", { "class": "meta", text: " " + r.year + "年" + (r.period !== "annual" ? " " + periodName(r.period) : "") })]));
      });
      if (!list.childNodes.length) list.appendChild(el("li", { text: "所选年份无报告" }));
      body.appendChild(el("tr", {}, [el("th", { scope: "row" }, [link(p.page, null, p.full)]), el("td", { "data-label": "报告" }, [list])]));
    });
    table.appendChild(body);
    return table;
  }

  /* One table per year and kind of period: a whole year's figures are never put beside a part's. */
  function figureTables(places) {
    var out = [];
    var years = {};
    places.forEach(function (p) { p.figures.forEach(function (f) { if (inRange(f.y)) years[f.y] = true; }); });
    Object.keys(years).map(Number).sort(function (a, b) { return b - a; }).forEach(function (year) {
      [["annual", "全年数据"], ["part", "部分期间数据（非全年，期间已注明）"]].forEach(function (kind) {
        var rows = archive.indicators.filter(function (ind) {
          return places.some(function (p) {
            return p.figures.some(function (f) { return f.i === ind.key && f.y === year && (f.p === "annual") === (kind[0] === "annual"); });
          });
        });
        if (!rows.length) return;
        var table = el("table", { "class": "figures-table stack compare-figures" });
        table.appendChild(el("caption", { text: year + "年" + kind[1] }));
        var head = el("tr", {}, [el("th", { scope: "col", text: "指标" })]);
        places.forEach(function (p) { head.appendChild(el("th", { scope: "col", text: p.name })); });
        table.appendChild(el("thead", {}, [head]));
        var body = el("tbody");
        rows.forEach(function (ind) {
          var tr = el("tr", {}, [el("th", { scope: "row", "class": "name" }, [link("indicators/" + ind.key + "/index.html", null, ind.name)])]);
          places.forEach(function (p) {
            var td = el("td", { "class": "num", "data-label": p.name });
            p.figures.filter(function (f) {
              return f.i === ind.key && f.y === year && (f.p === "annual") === (kind[0] === "annual");
            }).forEach(function (f) {
              var item = el("span", { "class": "cell-item" }, [link("reports/" + f.r + "/index.html", f.a, f.s)]);
              if (f.p !== "annual") item.appendChild(el("span", { "class": "meta", text: " " + periodName(f.p) }));
              td.appendChild(item);
            });
            if (!td.childNodes.length) td.textContent = "—";
            tr.appendChild(td);
          });
          body.appendChild(tr);
        });
        table.appendChild(body);
        out.push(table);
      });
    });
    if (!out.length) out.push(el("p", { text: "所选地区和年份的报告没有写明可比的数据。" }));
    return out;
  }

  function topicSections(places) {
    var out = [];
    archive.topics.forEach(function (topic) {
      var any = places.some(function (p) { return p.sections.some(function (s) { return s.t === topic.slug && inRange(s.y); }); });
      if (!any) return;
      var grid = el("div", { "class": "compare-grid" });
      places.forEach(function (p) {
        var list = el("ul", { "class": "compare-sections" });
        p.sections.filter(function (s) { return s.t === topic.slug && inRange(s.y); }).forEach(function (s) {
          list.appendChild(el("li", {}, [link("reports/" + s.r + "/index.html", s.a === "lead" ? null : s.a, s.h || "导语"),
            el("span", { "class": "meta", text: " " + s.y + "年" + (s.k ? "（" + s.k + "）" : "") }),
            el("span", { "class": "excerpt", text: s.e })]));
        });
        if (!list.childNodes.length) list.appendChild(el("li", { text: "无相关章节" }));
        grid.appendChild(el("div", { "class": "compare-column" }, [el("h4", { text: p.name }), list]));
      });
      out.push(el("section", { "class": "compare-topic" }, [el("h3", {}, [link("topics/" + topic.slug + "/index.html", null, topic.name)]), grid]));
    });
    if (!out.length) out.push(el("p", { text: "所选年份的报告没有归入专题的章节。" }));
    return out;
  }

  function draw() {
    var places = choice.codes.map(function (c) { return loaded[c]; }).filter(Boolean);
    results.textContent = "";
    var ignored = choice.ignored.length ? "链接中的 " + choice.ignored.join("、") + " 未列入对比（档案中没有该地区的报告，或超过 " +
      archive.max + " 个地区）。" : "";
    if (places.length < 2) {
      status.textContent = ignored + (places.length ? "再添加至少一个地区即可对比。" : "请添加二至" + archive.max + "个地区。");
      if (!places.length) return;
    } else {
      var span = choice.from && choice.from === choice.to ? choice.from + "年" :
        (choice.from || choice.to ? (choice.from || "") + "—" + (choice.to || "") + "年" : "各年度");
      status.textContent = ignored + "对比 " + places.map(function (p) { return p.full; }).join("、") + "，" + span + "。";
    }
    results.appendChild(el("h2", { id: "compare-reports-h", text: "报告" }));
    results.appendChild(reportsTable(places));
    results.appendChild(el("h2", { id: "compare-figures-h", text: "数据" }));
    results.appendChild(el("p", { "class": "small", text: "数值照录报告原文，点击可到所在章节；全年与部分期间的数据分表列出，不宜直接比较。" }));
    figureTables(places).forEach(function (t) { results.appendChild(t); });
    results.appendChild(el("h2", { id: "compare-topics-h", text: "专题" }));
    topicSections(places).forEach(function (t) { results.appendChild(t); });
  }

  window.FAZHI_COMPARE = {
    archive: function (data) {
      archive = data;
      readChoice();
      fillForm();
      load(draw);
    },
    place: function (data) { loaded[data.code] = data; }
  };

  document.getElementById("compare-add-button").addEventListener("click", addPlace);
  addInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); addPlace(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (addInput.value.trim()) addPlace();
    var from = parseInt(document.getElementById("compare-from").value, 10) || null;
    var to = parseInt(document.getElementById("compare-to").value, 10) || null;
    if (from && to && from > to) { var t = from; from = to; to = t; }
    choice.from = from;
    choice.to = to;
    window.location.href = address();
  });
})();
