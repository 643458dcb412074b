/* Report pages: the contents open beside the text on a wide screen, each heading's # copies the
   address of its section, and 复制引用 copies the citation with today's date as 引用日期.
   Nothing is fetched. The clipboard API is missing where the page is not a secure context (plain
   HTTP, some file:// setups) or refused; the text is then selected for the reader's Ctrl+C. */
(function () {
  "use strict";
  var status = document.createElement("p");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  var clearing = null;

  function say(text) {
    status.textContent = text;
    clearTimeout(clearing);
    clearing = setTimeout(function () { status.textContent = ""; }, 6000);
  }

  function select(el) {
    if (el.select) { el.focus(); el.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  /* Copy ``text``; where that cannot be done, ``selectable()`` gives the element whose text
     to select instead, and ``hint`` says what to do with it. */
  function copy(text, done, selectable, hint) {
    function fallback() {
      select(selectable());
      say(hint);
    }
    if (!navigator.clipboard || !navigator.clipboard.writeText) { fallback(); return; }
    navigator.clipboard.writeText(text).then(function () { say(done); }, fallback);
  }

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  var toc = document.querySelector(".toc-box");
  if (toc && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var follow = function () { toc.open = wide.matches; };
    follow();
    if (wide.addEventListener) wide.addEventListener("change", follow);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".heading-link"), function (link) {
    link.addEventListener("click", function (event) {
      /* The link still goes to its section (the address bar then shows it too), before the
         copy: going there afterwards would take the focus from the selected address. */
      event.preventDefault();
      location.hash = link.getAttribute("href");
      var address = location.href.split(/[?#]/)[0] + link.getAttribute("href");
      copy(address, "已复制本节链接", function () {
        var box = link.parentNode.querySelector(".copy-box");
        if (!box) {
          box = document.createElement("input");
          box.className = "copy-box";
          box.readOnly = true;
          box.setAttribute("aria-label", "本节链接");
          link.parentNode.appendChild(box);
        }
        box.value = address;
        return box;
      }, "本节链接已选中：请按 Ctrl+C（Mac 上 ⌘C）复制");
    });
  });

  /* Opened from a search result (index.html?hl=行政复议 复议#s2-6): its words are marked in the
     section it opens at (the lead when it names none), as the result's excerpt marked them, and
     the status line says so. Only text nodes are split: nothing of the report is read as HTML. */
  function sectionOf(anchor) {
    var body = document.querySelector(".body"), start = anchor && document.getElementById(anchor), out = [];
    var head = start && start.closest(".section-heading");
    if (!body || (anchor && anchor !== "lead" && !(head && body.contains(head)))) return out;
    for (var el = head || body.firstElementChild; el && (el === head || !el.classList.contains("section-heading")); el = el.nextElementSibling) {
      out.push(el);
    }
    return out;
  }
  function mark(node, words) {
    var norm = "", at = [], offset = 0, found = [];  /* at[i]: where norm's unit i is in node.data */
    Array.from(node.data).forEach(function (c) {
      var n = c.normalize("NFKC").toLowerCase();
      for (var j = 0; j < n.length; j++) at.push(offset);
      norm += n;
      offset += c.length;
    });
    at.push(offset);
    for (var i = 0; i < norm.length;) {
      var len = 0;
      words.forEach(function (w) { if (w.length > len && norm.startsWith(w, i)) len = w.length; });
      if (len) found.push([at[i], at[i + len]]);
      i += len || 1;
    }
    for (var f = found.length - 1; f >= 0; f--) {  /* from the end: the earlier offsets stay */
      var word = node.splitText(found[f][0]);
      word.splitText(found[f][1] - found[f][0]);
      var m = document.createElement("mark");
      word.parentNode.replaceChild(m, word);
      m.appendChild(word);
    }
    return found.length;
  }
  var hl = new URLSearchParams(location.search).get("hl");
  if (hl) {
    var words = hl.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean), marked = 0;
    sectionOf(decodeURIComponent(location.hash.slice(1))).forEach(function (el) {
      var walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), texts = [];
      while (walk.nextNode()) if (!walk.currentNode.parentNode.closest(".heading-link")) texts.push(walk.currentNode);
      texts.forEach(function (t) { marked += mark(t, words); });
    });
    if (marked) say("本节标出检索词“" + words.join("”“") + "”" + marked + " 处");
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy-from]"), function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-from"));
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent.replace("[引用日期]", "[" + today() + "]");
      copy(text, "已复制引用（引用日期为今天）", function () { return source; },
           "引用已选中：请按 Ctrl+C（Mac 上 ⌘C）复制，并把“引用日期”换为访问日期");
    });
  });
})();
