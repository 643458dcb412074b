/* 法治报告档案 search: lunr.js 2.3.9 over an index split by each term's first character.
 *
 * Every data file is a script calling FAZHI_SEARCH.register(kind, key, data), loaded by
 * adding a <script> tag, so the same files work from file:// (no fetch or XHR there)
 * and over HTTP. A query loads dir.js (with the page), the index shards of its
 * characters, and the text of the reports it shows; nothing else.
 *
 * Query handling mirrors the index (generator/segment.py): NFKC + lower case, then
 * greedy longest match against the index's own vocabulary, so a query is cut into
 * the terms jieba wrote. Every term is required; each shard is queried for its own
 * terms with idx.query (never idx.search: lunr's default pipeline strips CJK), and a
 * section must be found in every shard; scores add up.
 */
(function (root) {
  'use strict';
  var S = root.FAZHI_SEARCH = root.FAZHI_SEARCH || {};
  var store = { t: {}, d: {}, meta: {}, dir: {} };
  var waiting = {};

  S.register = function (kind, key, data) {
    store[kind][key] = data;
    var id = kind + '/' + key;
    (waiting[id] || []).forEach(function (done) { done(data); });
    delete waiting[id];
  };

  /* How a data file is loaded; the Node tests replace it with a file reader. */
  S.loader = function (kind, key, done) {
    var s = document.createElement('script');
    /* t/<key>.js and d/<key>.js are many; dir.js and meta.js are one each. */
    s.src = S.base + (kind === 't' || kind === 'd' ? kind + '/' + key : kind) + '.js';
    s.onerror = function () { done(null); };
    document.head.appendChild(s);
  };
  S.base = '';

  function load(kind, key) {
    return new Promise(function (resolve) {
      if (key in store[kind]) { resolve(store[kind][key]); return; }
      var id = kind + '/' + key;
      var first = !waiting[id];
      (waiting[id] = waiting[id] || []).push(resolve);
      if (first) S.loader(kind, key, function (data) { if (data === null) S.register(kind, key, null); });
    });
  }

  var shardIndex = {};
  function shard(ch) {
    var key = ch.codePointAt(0).toString(16);
    if (S.dir().shards.indexOf(key) < 0) return Promise.resolve(null);
    return load('t', key).then(function (data) {
      if (data && !shardIndex[key]) shardIndex[key] = root.lunr.Index.load(data);
      return data ? shardIndex[key] : null;
    });
  }

  S.dir = function () { return store.dir[0]; };
  S.normalize = function (text) { return text.normalize('NFKC').toLowerCase(); };

  function isWordChar(ch) { return /[\p{L}\p{N}]/u.test(ch); }

  /* Cut a query into index terms: greedy longest match against the vocabulary. */
  S.terms = function (query) {
    var chars = Array.from(S.normalize(query));
    var firsts = chars.filter(isWordChar).filter(function (c, i, a) { return a.indexOf(c) === i; });
    return Promise.all(firsts.map(shard)).then(function (indexes) {
      var vocab = {};
      firsts.forEach(function (c, i) {
        vocab[c] = indexes[i] ? Object.keys(indexes[i].invertedIndex) : [];
      });
      var terms = [];
      var missing = [];
      var i = 0;
      while (i < chars.length) {
        if (!isWordChar(chars[i])) { i++; continue; }
        var rest = chars.slice(i).join('');
        var best = '';
        vocab[chars[i]].forEach(function (term) {
          if (term.length > best.length && rest.indexOf(term) === 0) best = term;
        });
        if (best) {
          if (terms.indexOf(best) < 0) terms.push(best);
          i += Array.from(best).length;
        } else {
          missing.push(chars[i]);
          i++;
        }
      }
      return { terms: terms, missing: missing };
    });
  };

  /* Sections holding every term: [{ref, report, section, score}], best first. */
  S.search = function (query) {
    return S.terms(query).then(function (cut) {
      if (!cut.terms.length || cut.missing.length) return { terms: cut.terms, hits: [] };
      var byShard = {};
      cut.terms.forEach(function (t) {
        var key = Array.from(t)[0].codePointAt(0).toString(16);
        (byShard[key] = byShard[key] || []).push(t);
      });
      var keys = Object.keys(byShard).sort();
      var scores = null;
      keys.forEach(function (key) {
        var found = {};
        shardIndex[key].query(function (q) {
          byShard[key].forEach(function (t) {
            q.term(t, { presence: root.lunr.Query.presence.REQUIRED, usePipeline: false });
          });
        }).forEach(function (r) { found[r.ref] = r.score; });
        if (scores === null) { scores = found; return; }
        Object.keys(scores).forEach(function (ref) {
          if (ref in found) scores[ref] += found[ref]; else delete scores[ref];
        });
      });
      var hits = Object.keys(scores || {}).map(function (ref) {
        var parts = ref.split('-');
        return { ref: ref, report: +parts[0], section: +parts[1], score: scores[ref] };
      });
      hits.sort(function (a, b) { return b.score - a.score || a.report - b.report || a.section - b.section; });
      return { terms: cut.terms, hits: hits };
    });
  };

  S.filter = function (hits, want) {
    var active = Object.keys(want).filter(function (k) { return want[k]; });
    if (!active.length) return Promise.resolve(hits);
    return load('meta', 0).then(function (meta) {
      return hits.filter(function (h) {
        var m = meta[h.report];  /* [province, place, year, topics] */
        return (!want.province || m[0] === want.province) && (!want.place || m[1] === want.place) &&
          (!want.year || String(m[2]) === want.year) && (!want.topic || m[3].indexOf(want.topic) >= 0);
      });
    });
  };

  S.report = function (n) { return load('d', n); };

  /* An excerpt around the first matched term: [[text, isMatch], ...]. */
  S.excerpt = function (text, terms, width) {
    var lower = S.normalize(text);
    var first = -1;
    terms.forEach(function (t) {
      var at = lower.indexOf(t);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = Math.max(0, first - Math.floor(width / 3));
    var end = Math.min(text.length, start + width);
    var parts = [];
    var i = start;
    while (i < end) {
      var next = -1, len = 0;
      terms.forEach(function (t) {
        var at = lower.indexOf(t, i);
        if (at >= 0 && at < end && (next < 0 || at < next || (at === next && t.length > len))) { next = at; len = t.length; }
      });
      if (next < 0) { parts.push([text.slice(i, end), false]); break; }
      if (next > i) parts.push([text.slice(i, next), false]);
      parts.push([text.slice(next, next + len), true]);
      i = next + len;
    }
    if (start > 0) parts.unshift(['…', false]);
    if (end < text.length) parts.push(['…', false]);
    return parts;
  };

  if (typeof module !== 'undefined') module.exports = S;
  if (typeof document === 'undefined') return;

  /* --- the page ---------------------------------------------------------------------------- */
  var PAGE_SIZE = 20;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fillSelect(select, values, labels, chosen) {
    values.forEach(function (v) {
      var o = el('option', null, labels ? (labels[v] || v) : String(v));
      o.value = String(v);
      if (String(v) === chosen) o.selected = true;
      select.appendChild(o);
    });
  }

  function run() {
    var list = document.getElementById('search-results');
    if (!list || !S.dir()) return;
    var params = new URLSearchParams(location.search);
    var query = (params.get('q') || '').trim();
    var want = { province: params.get('province') || '', place: params.get('place') || '',
                 year: params.get('year') || '', topic: params.get('topic') || '' };
    var dir = S.dir();
    var form = document.getElementById('search-form');
    form.elements.q.value = query;
    fillSelect(form.elements.province, dir.filters.province, null, want.province);
    fillSelect(form.elements.place, dir.filters.place, null, want.place);
    fillSelect(form.elements.year, dir.filters.year, null, want.year);
    fillSelect(form.elements.topic, dir.filters.topic, dir.topic_names, want.topic);
    var count = document.getElementById('search-count');
    if (!query) { list.setAttribute('aria-busy', 'false'); return; }
    document.title = query + ' · 检索 · 法治报告档案';
    list.setAttribute('aria-busy', 'true');
    count.textContent = '正在检索…';
    S.search(query).then(function (result) {
      return S.filter(result.hits, want).then(function (hits) { return { terms: result.terms, hits: hits }; });
    }).then(function (result) {
      var shown = result.hits.slice(0, PAGE_SIZE);
      return Promise.all(shown.map(function (h) { return S.report(h.report); })).then(function (docs) {
        list.textContent = '';
        shown.forEach(function (h, i) { list.appendChild(item(h, docs[i], result.terms)); });
        count.textContent = result.hits.length
          ? '找到 ' + result.hits.length + ' 个章节' + (result.hits.length > PAGE_SIZE ? '，显示前 ' + PAGE_SIZE + ' 个' : '')
          : '没有找到包含“' + query + '”的章节。';
        list.setAttribute('aria-busy', 'false');
      });
    }).catch(function (err) {
      count.textContent = '检索出错：' + err;
      list.setAttribute('aria-busy', 'false');
    });
  }

  function item(hit, doc, terms) {
    var section = doc.sections[hit.section];  /* [anchor, heading path, text] */
    var li = el('li', 'result');
    var a = el('a', 'result-title', doc.title);
    a.href = '../reports/' + doc.slug + '/index.html#' + section[0];
    li.appendChild(a);
    li.appendChild(el('span', 'meta', [doc.province, doc.place !== doc.province ? doc.place : '', doc.year ? doc.year + '年' : '']
      .filter(Boolean).join(' · ')));
    li.appendChild(el('span', 'result-section', section[1].length ? section[1].join(' › ') : '导语'));
    var p = el('p', 'excerpt');
    S.excerpt(section[2] || section[1].join(' '), terms, 110).forEach(function (part) {
      p.appendChild(part[1] ? el('mark', null, part[0]) : document.createTextNode(part[0]));
    });
    li.appendChild(p);
    return li;
  }

  S.base = (function () {
    var me = document.currentScript && document.currentScript.getAttribute('data-base');
    return me || '';
  })();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})(typeof window !== 'undefined' ? window : globalThis);
