/* 法治报告档案 search: lunr.js 2.3.9's ranking over compact postings, computed per query.
 *
 * Every data file is a script calling FAZHI_SEARCH.register(kind, key, data), loaded by
 * adding a <script> tag, so the same files work from file:// (no fetch or XHR there)
 * and over HTTP. It needs search-head.js, run before it (the compact-number decoder, the
 * characters with a vocabulary file). The page loads dir.js; a query loads the vocabulary file of each
 * character it starts a word at (v/), the postings of its terms (p/ or t/), the report
 * lists of active filters (f/) and the text of the results shown (c/). The files are
 * described in generator/search/files.py.
 *
 * A query is NFKC + lower-cased and split at spaces and punctuation; a piece that is a
 * year of the archive (2021, 2021年) or a place name (江北区, 江北, 重庆) becomes a filter.
 * The rest is cut by greedy longest match against the index's own vocabulary (jieba
 * never runs here), and every term is required. The sections holding them all are scored
 * as lunr.js 2.3.9's idx.query scores them (``S.rank``, idf from the shipped df and section
 * count), bit for bit: the Node tests check it against real lunr.js. Computing it directly
 * spares each first query lunr.min.js (29.5 kB) and building a lunr index of its postings
 * (a two-word link at 10,000 reports: 17 ms over HTTP, 25 ms from disk).
 */
(function (root) {
  'use strict';
  var S = root.FAZHI_SEARCH = root.FAZHI_SEARCH || {};
  var store = {};
  var waiting = {};
  var FIELDS = ['heading', 'body'];
  var BOOST = { heading: 4, body: 1 };

  S.register = function (kind, key, data) {
    var id = kind + '/' + key;
    store[id] = data;
    (waiting[id] || []).forEach(function (done) { done(data); });
    delete waiting[id];
  };

  /* How a data file is loaded (S.path: search-head.js); the Node tests replace it with a file reader. */
  S.loader = function (kind, key, done) {
    var s = document.createElement('script');
    s.src = S.path(kind, key);
    s.onerror = function () { done(null); };
    document.head.appendChild(s);
  };

  /* A data file's contents. A filter file may be absent (a value no report has); any other
     file the index names is missing only from an incomplete copy of the site: say which. */
  function load(kind, key) {
    var id = kind + '/' + key;
    return new Promise(function (resolve, reject) {
      function settle(data) {
        if (data === null && kind !== 'f') reject(new Error('索引文件 search/' + S.path(kind, key) + ' 无法载入，网站副本可能不完整'));
        else resolve(data);
      }
      if (id in store) { settle(store[id]); return; }
      var first = !waiting[id];
      (waiting[id] = waiting[id] || []).push(settle);
      if (first) {
        S.loader(kind, key, function (data) { S.register(kind, key, data); });
      }
    });
  }

  S.load = load;
  S.dir = function () { return store['dir/0']; };

  /* --- compact postings (S.decodeInts: search-head.js) ------------------------------- */
  /* "dr j code [wh]"… → [[report, section, heading weight, body weight], …], in the files' order:
     by (report, section). */
  S.decodePostings = function (text) {
    var ints = S.decodeInts(text), out = [], r = 0, i = 0;
    while (i < ints.length) {
      r += ints[i];
      var code = ints[i + 2], has = code & 1;
      out.push([r, ints[i + 1], has ? ints[i + 3] : 0, code >> 1]);
      i += has ? 4 : 3;
    }
    return out;
  };
  var hex = S.hex, runningSum = S.runningSum;
  function hasFirst(ch) { return S.first.has(ch.codePointAt(0)); }

  /* --- places and years in a query -------------------------------------------------- */
  var PROVINCE_SUFFIXES = ['维吾尔自治区', '壮族自治区', '回族自治区', '自治区', '特别行政区', '省', '市'];
  var PLACE_SUFFIXES = ['自治州', '自治县', '自治旗', '地区', '林区', '特区', '新区', '区', '县', '市', '旗', '盟'];
  function strip(name, suffixes) {
    for (var i = 0; i < suffixes.length; i++) {
      var s = suffixes[i];
      if (name.length > s.length && name.endsWith(s)) return name.slice(0, -s.length);
    }
    return name;
  }
  var placeList = null;
  /* Division names are CJK, unchanged by NFKC and case; others are normalized like the query. */
  var NOT_CJK = /[^\u3400-\u9fff]/;
  function names(name, suffixes) {
    if (NOT_CJK.test(name)) name = S.normalize(name);
    var short = strip(name, suffixes);
    return [name, short.length >= 2 ? short : name];
  }
  /* dir.js's places flattened, in the order of the place filter's files: each one's full name
     from the province down (values), its province's number and its [city, district]. */
  S.places = function () {
    if (placeList) return placeList;
    var dir = S.dir(), out = { values: [], provinceOf: [], names: [] };
    Object.keys(dir.places).sort().forEach(function (p) {
      var pi = dir.provinces.indexOf(p);
      Object.keys(dir.places[p]).sort().forEach(function (c) {
        dir.places[p][c].forEach(function (d) {
          out.values.push(p + c + d);
          out.provinceOf.push(pi);
          out.names.push([c, d]);
        });
      });
    });
    placeList = out;
    return out;
  };
  /* The names of provinces and places that occur in a query's pieces, each to the provinces and
     places ({province: [i], place: [i]}) it names: every name (full or short: 江北区, 江北; a
     place's city's too, since a city name stands for its places), and the full names only. The
     query's text is looked for, not an index of every name made (15–30 ms for 3,000 places). */
  var placeFound = { text: null };
  function namesIn(pieces) {
    var text = pieces.join('\n');
    if (placeFound.text === text) return placeFound;
    var out = { text: text, named: new Map(), full: new Map() };
    function add(n, kind, i) {
      n.forEach(function (name, k) {
        if (name.length < 2 || text.indexOf(name) < 0) return;
        [out.named].concat(k % 2 === 0 && name.length >= 3 ? [out.full] : []).forEach(function (map) {
          if (!map.has(name)) map.set(name, { province: [], place: [] });
          var at = map.get(name)[kind];
          if (at.indexOf(i) < 0) at.push(i);
        });
      });
    }
    /* A name and its short form begin with the same two characters: most of 3,000 places are
       passed over by looking for those (10 ms cold in Chromium to make every place's names). */
    function absent(name) { return !name || !NOT_CJK.test(name) && text.indexOf(name.slice(0, 2)) < 0; }
    S.dir().provinces.forEach(function (p, i) { add(names(p, PROVINCE_SUFFIXES), 'province', i); });
    var cities = new Map();
    S.places().names.forEach(function (cd, i) {
      var c = cd[0], d = cd[1];
      if (absent(d) && absent(c)) return;
      if (!cities.has(c)) cities.set(c, c ? names(c, PLACE_SUFFIXES) : []);
      add(d ? cities.get(c).concat(names(d, PLACE_SUFFIXES)) : cities.get(c), 'place', i);
    });
    placeFound = out;
    return out;
  }
  /* The longest full name (with its suffix: 江北区, 重庆市) a piece starts with, when more
     follows: {length, province, place}; short names (江北) count only as whole pieces, since
     a word may begin like one (新城镇 is not 新城区). ``found``: ``namesIn`` the query. */
  function placePrefix(piece, found) {
    for (var n = piece.length - 1; n >= 3; n--) {
      var named = found.full.get(piece.slice(0, n));
      if (named) return { length: n, province: named.province.slice(), place: named.place.slice() };
    }
    return null;
  }
  /* The provinces and places (indexes into S.places()) a query piece names. */
  function placesNamed(piece, found) {
    var named = found.named.get(piece);
    return named ? { province: named.province.slice(), place: named.place.slice() } : { province: [], place: [] };
  }

  /* A query's pieces: normalised, split at whatever is neither letter nor digit. */
  S.pieces = function (query) { return S.normalize(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean); };

  /* Split a query into word pieces and the filters it names; ``pieces``: each piece's parts for ``lift``. */
  S.parse = function (query) {
    var pieces = S.pieces(query), found = namesIn(pieces);
    var out = { words: [], province: [], place: [], year: [], pieces: [] };
    var years = S.dir().years;
    function filter(named) {
      ['province', 'place'].forEach(function (kind) {
        named[kind].forEach(function (i) { if (out[kind].indexOf(i) < 0) out[kind].push(i); });
      });
    }
    pieces.forEach(function (piece) {
      var parts = [];
      out.pieces.push(parts);
      /* A full place name may open a piece (江北区行政复议): the name filters, the rest is searched. */
      for (var named = placePrefix(piece, found); named; named = placePrefix(piece, found)) {
        filter(named);
        parts.push({ text: piece.slice(0, named.length), place: named });
        piece = piece.slice(named.length);
      }
      var y = /^(\d{4})年?$/.exec(piece);
      if (y && years.indexOf(+y[1]) >= 0) {
        if (out.year.indexOf(+y[1]) < 0) out.year.push(+y[1]);
        parts.push({ text: piece, year: +y[1] });
        return;
      }
      var p = placesNamed(piece, found);
      if (p.province.length || p.place.length) { filter(p); parts.push({ text: piece, place: p }); }
      else { out.words.push(piece); parts.push({ text: piece }); }
    });
    return out;
  };

  /* ``want`` with the year and place its query names moved into the filters (the lists and the URL
     then show them) when it names one of each: 2021, 江北区 (and its province), 重庆. 江北, two
     places, stays in the query, which filters by both. The query's value replaces the list's. */
  S.lift = function (want) {
    var parsed = S.parse(want.q || ''), dir = S.dir(), pl = S.places(), out = {};
    Object.keys(want).forEach(function (k) { out[k] = want[k]; });
    var year = parsed.year.length === 1, province = -1, place = -1;
    if (parsed.place.length <= 1 && parsed.province.length <= 1 && parsed.place.length + parsed.province.length) {
      province = parsed.place.length ? pl.provinceOf[parsed.place[0]] : parsed.province[0];
      if (parsed.province.length && parsed.province[0] !== province) province = -1;
      if (province >= 0 && parsed.place.length) place = parsed.place[0];
    }
    if (!year && province < 0) return out;
    if (year) out.year = String(parsed.year[0]);
    if (province >= 0) {
      out.province = dir.provinces[province];
      if (place >= 0) out.place = pl.values[place];
      else if ((out.place || '').indexOf(out.province) !== 0) out.place = '';
    }
    out.q = parsed.pieces.map(function (parts) {
      return parts.filter(function (p) { return !(p.year && year) && !(p.place && province >= 0); })
        .map(function (p) { return p.text; }).join('');
    }).filter(Boolean).join(' ');
    return out;
  };

  /* --- vocabulary: greedy longest match ---------------------------------------------- */
  var vocabs = Object.create(null);  /* prefix → its map, made once: the page runs search after search */
  function vocab(prefix) {
    if (prefix in vocabs) return vocabs[prefix];
    var vkey = hex(prefix);
    return (vocabs[prefix] = load('v', vkey).then(function (data) {
      var map = Object.create(null), longest = 0;  /* no prototype: a query may say "constructor" */
      data.terms.forEach(function (e) {
        var term = prefix + e[0];
        /* loc null: only recent additions hold it; recent: their r/ file has its postings too. */
        map[term] = { term: term, df: e[1], loc: e[2], provs: e[3], vkey: vkey, recent: e[4] === 1 };
        longest = Math.max(longest, Array.from(term).length);
      });
      return { map: map, sub: data.sub, longest: longest };
    }));
  }
  /* A Han character, as segment.py's HAN. */
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}\u{30000}-\u{323af}]/u;
  /* The query's terms. A run of three or more Han characters that is no term of the index is
     a phrase (``runs``): its overlapping bigrams (all indexed, segment.py) are required. A run of
     three is also checked to be held as written (``phrases``), since its two bigrams lie apart in
     many a text (湘桥 … 桥村); from four characters on, three or more bigrams that chain are
     taken for the run, as Lucene's CJK bigram phrase queries do without positions: the check
     loads a section's excerpt file, and checking 40 sections for 人民调解 社区矫正 cost 430 kB. With ``words`` (the fallback when
     no section holds a phrase) such a run is cut into the index's terms instead, greedily
     longest first, as long as every piece has two characters or more: single characters left
     over would match text where the run's characters are only scattered. */
  function cut(words, asWords) {
    return vocabularies(words).then(function (v) {
      var byFirst = v.byFirst, bySub = v.bySub;
      var terms = [], entries = [], missing = [], phrases = [], runs = [], units = [];
      function lookup(chars, i, n) {
        var t = chars.slice(i, i + n).join(''), maps = [byFirst[chars[i]], bySub[chars[i] + (chars[i + 1] || '')]];
        for (var k = 0; k < maps.length; k++) if (maps[k] && maps[k].map[t]) return maps[k].map[t];
        return null;
      }
      function use(entry) { if (terms.indexOf(entry.term) < 0) { terms.push(entry.term); entries.push(entry); } return entry.term; }
      /* The longest term of the vocabulary starting at i, no longer than ``end`` allows. */
      function longest(chars, i, end) {
        var maps = [byFirst[chars[i]], bySub[chars[i] + (chars[i + 1] || '')]];
        var most = Math.max.apply(null, maps.map(function (v) { return v ? v.longest : 0; }));
        for (var n = Math.min(end - i, most); n > 0; n--) { var e = lookup(chars, i, n); if (e) return e; }
        return null;
      }
      words.forEach(function (w) {
        var chars = Array.from(w), i = 0;
        while (i < chars.length) {
          var end = i;
          while (end < chars.length && HAN.test(chars[end])) end++;
          if (end - i >= 3 && !lookup(chars, i, end - i)) {
            var run = chars.slice(i, end);
            if (!asWords) {
              var unit = { phrase: run.join(''), checked: run.length === 3, terms: [] };
              runs.push(unit.phrase);
              if (unit.checked) phrases.push(unit.phrase);
              units.push(unit);
              for (var k = i; k + 1 < end; k++) {
                var b = lookup(chars, k, 2);
                if (b) unit.terms.push(use(b)); else missing.push(chars[k] + chars[k + 1]);
              }
            } else {
              for (var j = i; j < end;) {
                var e = longest(chars, j, end), n = e ? Array.from(e.term).length : 1;
                if (e && n >= 2) units.push({ terms: [use(e)] }); else missing.push(chars[j]);
                j += n;
              }
            }
            i = end;
            continue;
          }
          var best = longest(chars, i, chars.length);
          if (best) { units.push({ terms: [use(best)] }); i += Array.from(best.term).length; } else { missing.push(chars[i]); i++; }
        }
      });
      return { terms: terms, entries: entries, missing: missing, phrases: phrases, runs: runs, units: units };
    });
  }

  /* The vocabulary files a term of these words may be in: {byFirst: character → its v/ file's
     map, bySub: two characters → the map of the part their v/ file was split into}. */
  function vocabularies(words) {
    var starts = [];
    words.forEach(function (w) {
      var chars = Array.from(w);
      chars.forEach(function (c, i) { starts.push([c, chars[i + 1] || '']); });
    });
    var firsts = starts.map(function (s) { return s[0]; }).filter(function (c, i, a) { return a.indexOf(c) === i && hasFirst(c); });
    return Promise.all(firsts.map(vocab)).then(function (vs) {
      var byFirst = {};
      firsts.forEach(function (c, i) { byFirst[c] = vs[i]; });
      var pairs = starts.filter(function (s) { return byFirst[s[0]] && s[1] && byFirst[s[0]].sub.indexOf(hex(s[0] + s[1])) >= 0; })
        .map(function (s) { return s[0] + s[1]; }).filter(function (p, i, a) { return a.indexOf(p) === i; });
      return Promise.all(pairs.map(vocab)).then(function (subs) {
        var bySub = {};
        pairs.forEach(function (p, i) { bySub[p] = subs[i]; });
        return { byFirst: byFirst, bySub: bySub };
      });
    });
  }

  /* A term's postings: complete, or its top list plus the remainders of the given provinces
     (complete when ``provinces`` are all the query needs or all there are: ``last``), with those
     of the recent additions, which are never pruned (files.py, r/). */
  function postings(entry, provinces, last) {
    var main = entry.loc === null ? Promise.resolve({ list: [], complete: true }) : indexed(entry, provinces, last);
    if (!entry.recent) return main;
    return Promise.all([main, load('r', hex(Array.from(entry.term)[0]))]).then(function (parts) {
      return { list: merged(parts[0].list, S.decodePostings(parts[1][entry.term])), complete: parts[0].complete };
    });
  }
  /* The main index's part of them. */
  function indexed(entry, provinces, last) {
    if (typeof entry.loc === 'number') {
      return load('p', entry.vkey + '-' + entry.loc).then(function (g) {
        return { list: S.decodePostings(g[entry.term]), complete: true };
      });
    }
    var top = load('t', entry.loc).then(function (t) { return { list: S.decodePostings(t), complete: !entry.provs }; });
    if (!entry.provs || !provinces) return top;
    return Promise.all([top, rest(entry, provinces, last)]).then(function (parts) {
      return { list: merged(parts[0].list, parts[1].list), complete: parts[1].complete };
    });
  }

  /* One term's postings (all of them when every province is given): {term, df, list}. */
  S.termPostings = function (term, provinces) {
    return cut([term]).then(function (c) {
      if (c.terms.length !== 1 || c.terms[0] !== term) return null;
      return postings(c.entries[0], provinces, true).then(function (p) { return { term: term, df: c.entries[0].df, list: p.list }; });
    });
  };

  /* lunr's idf of a term in df of the archive's field postings (sections: the section count). */
  function idf(df, sections) { return Math.log(1 + Math.abs((sections - df + 0.5) / (df + 0.5))); }
  /* Every postings list is in the files' order, by (report, section), one posting a section:
     lists meet by walking them side by side. A number per section for a Map or a Set
     (report·65536 + section) is past V8's small integers, and boxing one per posting was
     a first two-word query's largest cost after the garbage it left. */
  function order(p, q) { return p[0] - q[0] || p[1] - q[1]; }
  /* Two such lists of different sections as one. */
  function merged(a, b) {
    if (!a.length) return b;
    if (!b.length) return a;
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) out.push(order(a[i], b[j]) < 0 ? a[i++] : b[j++]);
    while (i < a.length) out.push(a[i++]);
    while (j < b.length) out.push(b[j++]);
    return out;
  }
  /* Calls found(at) for each section that every list holds, ``at`` its position in each. */
  function meet(lists, found) {
    var n = lists.length, at = [], i;
    for (i = 0; i < n; i++) { if (!lists[i].length) return; at.push(0); }
    for (;;) {
      var high = lists[0][at[0]], same = true;
      for (i = 1; i < n; i++) {
        var d = order(lists[i][at[i]], high);
        if (d) same = false;
        if (d > 0) high = lists[i][at[i]];
      }
      if (same) {
        found(at);
        for (i = 0; i < n; i++) if (++at[i] === lists[i].length) return;
        continue;
      }
      for (i = 0; i < n; i++) {
        while (order(lists[i][at[i]], high) < 0) if (++at[i] === lists[i].length) return;
      }
    }
  }

  /* A posting's value in a field's vector, as lunr's Builder stores it: idf · tf part · boost, to 3 decimals. */
  S.fieldValue = function (idfOf, w, field) { return Math.round(idfOf * w / 1000 * BOOST[field] * 1000) / 1000; };
  S.idf = idf;
  S.FIELDS = FIELDS;

  /* The sections holding every term of these lists ({term, df, list}), scored as lunr.js
     2.3.9's idx.query scores them with each term REQUIRED: [{report, section, score}], in no
     order. Per field the score is the dot product of the query's vector (1 a term) with the
     section's (``S.fieldValue``), summed in lunr's term order (by UTF-16 code units, as
     lunr.Index.load needs them), over the query vector's length √terms; a section's score
     is its fields' added. A term is in a field where its weight is not 0. */
  S.rank = function (lists, sections) {
    var sorted = lists.slice().sort(function (a, b) { return a.term < b.term ? -1 : a.term > b.term ? 1 : 0; });
    var plain = sorted.map(function (l) { return l.list; }), hits = [];
    if (!plain.length) return hits;
    var weights = sorted.map(function (l) { return idf(l.df, sections); }), length = Math.sqrt(sorted.length);
    meet(plain, function (at) {
      var score = 0, t;
      for (t = 0; t < plain.length; t++) { var p = plain[t][at[t]]; if (!p[2] && !p[3]) return; }
      /* Term by term in lunr's order, as its dot product adds them. */
      for (var f = 0; f < FIELDS.length; f++) {
        var dot = 0, any = false;
        for (t = 0; t < plain.length; t++) {
          var w = plain[t][at[t]][2 + f];
          if (w) { dot += S.fieldValue(weights[t], w, FIELDS[f]); any = true; }
        }
        if (any) score += dot / length;
      }
      hits.push({ report: plain[0][at[0]][0], section: plain[0][at[0]][1], score: score });
    });
    return hits;
  };

  /* Reports allowed by the active filters: null (all) or {r: true}. */
  var PLACE_KINDS = ['province', 'place', 'year', 'topic'];
  function allowed(filters) {
    var sets = PLACE_KINDS.filter(function (k) { return filters[k].length; }).map(function (kind) {
      /* A place's file is named by its name, which a new place does not move as it would a position. */
      return Promise.all(filters[kind].map(function (v) {
        return load('f', kind + '-' + (kind === 'place' ? hex(S.places().values[v]) : v));
      })).then(function (texts) {
        var set = {};
        texts.forEach(function (t) { if (t !== null) runningSum(S.decodeInts(t)).forEach(function (r) { set[r] = true; }); });
        return set;
      });
    });
    if (!sets.length) return Promise.resolve(null);
    return Promise.all(sets).then(function (all) {
      return all.reduce(function (a, b) {
        var out = {};
        Object.keys(a).forEach(function (r) { if (b[r]) out[r] = true; });
        return out;
      });
    });
  }

  /* Filters from the page's choices ({province: name, place: value, year, topic}) and from the query. */
  function filtersOf(want, parsed) {
    var dir = S.dir(), pl = S.places();
    var f = { province: parsed.province.slice(), place: parsed.place.slice(), year: parsed.year.slice(), topic: [] };
    if (want.province && dir.provinces.indexOf(want.province) >= 0) f.province = [dir.provinces.indexOf(want.province)];
    else if (want.province) f.province = [-1];
    if (want.place) f.place = [pl.values.indexOf(want.place)];
    if (want.year) f.year = [+want.year];
    if (want.topic) f.topic = [want.topic];
    /* Provinces whose postings must be complete: the filtered ones, or those of the places, each
       once (a city's places share one; its remainder loaded twice would count each section twice). */
    var provinces = f.province.length ? f.province
      : f.place.length ? f.place.map(function (i) { return pl.provinceOf[i]; }) : null;
    return { filters: f, provinces: provinces && provinces.filter(function (p, i, all) { return all.indexOf(p) === i; }) };
  }

  /* Sections holding every term: {terms, hits: [{report, section, score}], approximate}. */
  S.search = function (query, want) {
    want = want || {};
    var parsed = S.parse(query);
    var fo = filtersOf(want, parsed);
    fo.prefetch = want.view !== 'place';  /* the answer by place shows no excerpts */
    var f = fo.filters;
    if (!parsed.words.length && (f.place.length || f.province.length || f.year.length || f.topic.length)) {
      /* A query naming only places or years (or none, with filters chosen) lists those reports (their first section). */
      return allowed(f).then(function (set) {
        var hits = Object.keys(set || {}).map(Number).sort(function (a, b) { return a - b; })
          .map(function (r) { return { report: r, section: 0, score: 0 }; });
        return { terms: [], marks: [], hits: hits, approximate: false, partial: false, listing: true };
      });
    }
    return cut(parsed.words).then(function (c) {
      return sections(c, fo).then(function (r) {
        if (r.hits.length || !c.runs.length) return r;
        return cut(parsed.words, true).then(function (w) { return sections(w, fo); });
      });
    });
  };

  /* The sections holding every term of a cut query (and its phrases), best first; then, for a
     query of several words, the sections of the reports that hold them only between their
     sections (each such section holds one word or more), ranked after them. */
  function sections(c, fo) {
    var marks = c.runs.concat(c.terms.filter(function (t) {
      return !c.runs.some(function (p) { return Array.from(t).length === 2 && p.indexOf(t) >= 0; });
    }));
    var none = { terms: c.terms, marks: marks, hits: [], approximate: false, partial: false };
    if (!c.terms.length || c.missing.length) return Promise.resolve(none);
    /* Two words or more, each common: their top lists rarely share a page of sections, so the
       first widening is asked for with them, not one round trip after (40 ms over HTTP). */
    var common = c.units.filter(function (u) { return u.terms.some(function (t) { return c.entries[c.terms.indexOf(t)].provs; }); });
    var order = !fo.provinces && common.length >= 2 ? provinceOrder([]) : [], loaded = order.slice(0, WIDEN[0]);
    var asked = fo.provinces || (loaded.length ? loaded : null), last = !!fo.provinces || loaded.length === order.length;
    return Promise.all([allowed(fo.filters)].concat(c.entries.map(function (e) { return postings(e, asked, last); })))
      .then(function (got) {
        var lists = got.slice(1), set = got[0];
        return Promise.resolve(answer(c, lists, set, loaded.length ? 1 : 0, loaded, fo.prefetch)).then(function (r) {
          return holding(c.phrases, r.hits).then(function (full) {
            return spread(c, lists, set, full.hits).then(function (more) {
              /* partial: only the best VERIFY candidates were checked for the phrases */
              return { terms: c.terms, marks: marks, hits: full.hits.concat(more.hits),
                       approximate: r.approximate || full.cut || more.cut, partial: full.cut || more.cut };
            });
          });
        });
      });
  }

  /* The sections of reports that hold every word of a query (a term, or a phrase as written) only
     between their sections, none of which holds them all: each section holding a word, as hits
     ({report, section, score, all: false}), by an estimate of lunr's score (``estimates``):
     {hits, cut}, where, as in ``holding``, only the best VERIFY sections are checked for phrases. */
  function spread(c, lists, set, full) {
    if (c.units.length < 2) return Promise.resolve({ hits: [], cut: false });
    var shown = new Set(full.map(function (h) { return h.report; }));
    /* Per unit (a word), the sections not shown yet that hold every term of it (its first term's postings). */
    var held = c.units.map(function (u) {
      var own = u.terms.map(function (t) { return lists[c.terms.indexOf(t)].list; }), kept = [];
      meet(own, function (at) {
        var p = own[0][at[0]];
        if ((!set || set[p[0]]) && !shown.has(p[0])) kept.push(p);
      });
      return kept;
    });
    /* The reports whose sections hold every unit between them: only their sections are candidates
       (most sections holding a word are in reports that lack another, and are never looked at). */
    function reportsOf(list) { var r = new Set(); for (var i = 0; i < list.length; i++) r.add(list[i][0]); return r; }
    var covering = reportsOf(held[0]);
    held.slice(1).forEach(function (list) {
      var has = reportsOf(list);
      covering.forEach(function (r) { if (!has.has(r)) covering.delete(r); });
    });
    /* The candidate sections, by (report, section), each with the units it holds. */
    var parts = held.map(function (list) { return list.filter(function (p) { return covering.has(p[0]); }); });
    var at = parts.map(function () { return 0; }), candidates = [];
    for (;;) {
      var low = null, n;
      for (n = 0; n < parts.length; n++) if (at[n] < parts[n].length && (!low || order(parts[n][at[n]], low) < 0)) low = parts[n][at[n]];
      if (!low) break;
      var s = { report: low[0], section: low[1], posting: low, units: [] };
      for (n = 0; n < parts.length; n++) if (at[n] < parts[n].length && !order(parts[n][at[n]], low)) { s.units.push(n); at[n]++; }
      candidates.push(s);
    }
    var estimate = estimates(lists.map(function (l, i) { return { df: c.entries[i].df, list: l.list }; }), candidates);
    candidates.forEach(function (s, i) { s.score = estimate[i]; });
    function hit(s) { return { report: s.report, section: s.section, score: s.score, all: false }; }
    function best(hits) { return hits.sort(function (a, b) { return b.score - a.score || a.report - b.report || a.section - b.section; }); }
    /* No phrase to check: every candidate's report holds every word (thousands of sections for
       two common words, not worth a promise each). */
    if (!c.units.some(function (u) { return u.checked; })) return Promise.resolve({ hits: best(candidates.map(hit)), cut: false });
    candidates = best(candidates.slice());
    var checks = 0;
    return Promise.all(candidates.map(function (s) {
      var phrases = s.units.filter(function (n) { return c.units[n].checked; });
      if (!phrases.length) return s;
      if (++checks > VERIFY) { s.units = []; return s; }
      return S.section(s).then(function (doc) {
        var text = sectionText(doc);
        s.units = s.units.filter(function (n) { return !c.units[n].checked || text.indexOf(c.units[n].phrase) >= 0; });
        return s;
      });
    })).then(function (checked) {
      /* A phrase not held as written may leave a report without one of the words. */
      var byReport = new Map();
      checked.forEach(function (s) {
        if (!byReport.has(s.report)) byReport.set(s.report, new Set());
        s.units.forEach(function (n) { byReport.get(s.report).add(n); });
      });
      return { hits: best(checked.filter(function (s) { return s.units.length && byReport.get(s.report).size === c.units.length; })
        .map(hit)), cut: checks > VERIFY };
    });
  }

  /* A section's heading (the title for the lead) and text, normalised as the index's. */
  function sectionText(doc) {
    var path = doc.section[1];
    return S.normalize(path.length ? path[path.length - 1] : doc.title) + '\n' + S.normalize(doc.section[2]);
  }

  /* Of the hits (best first), those whose section holds every phrase as written (its bigrams
     may lie apart): {hits, cut}. Each check loads the section's excerpt file, so only the best
     VERIFY hits are checked and kept; ``cut`` says there were more (the answer is then partial). */
  var VERIFY = 40;
  function holding(phrases, hits) {
    if (!phrases.length) return Promise.resolve({ hits: hits, cut: false });
    var checked = hits.slice(0, VERIFY);
    return Promise.all(checked.map(S.section)).then(function (docs) {
      return { hits: checked.filter(function (h, i) {
        var text = sectionText(docs[i]);
        return phrases.every(function (p) { return text.indexOf(p) >= 0; });
      }), cut: hits.length > VERIFY };
    });
  }

  function complete(lists) { return lists.every(function (l) { return l.complete; }); }

  /* Each term's postings in the sections found in every list and allowed by the filters: every
     term is required, so only those can match and need be scored (same answer). */
  function matching(c, lists, set) {
    var plain = lists.map(function (l) { return l.list; }), kept = plain;
    if (plain.length > 1 || set) {
      kept = plain.map(function () { return []; });
      meet(plain, function (at) {
        if (set && !set[plain[0][at[0]][0]]) return;
        for (var i = 0; i < plain.length; i++) kept[i].push(plain[i][at[i]]);
      });
    }
    return lists.map(function (l, i) { return { term: c.entries[i].term, df: c.entries[i].df, list: kept[i] }; });
  }

  /* The matching postings' sections, best first, by lunr's score. */
  function score(c, shaped, lists, early) {
    var hits = S.rank(shaped, S.dir().sections);
    hits.sort(function (a, b) { return b.score - a.score || a.report - b.report || a.section - b.section; });
    if (early) prefetch(hits);
    return { terms: c.terms, hits: hits, approximate: !complete(lists) };
  }

  /* Start loading the text of the likely first page of results (its reports' best sections) at
     once, so that the requests overlap checking phrases and finding the words between sections. */
  function prefetch(hits) {
    var shown = new Map();  /* report → its sections taken */
    hits.forEach(function (h) {
      var n = shown.get(h.report) || 0;
      if (n >= BEST_SECTIONS || (!n && shown.size >= PAGE_SIZE)) return;
      shown.set(h.report, n + 1);
      /* A file that fails is reported when the page asks for it again. */
      S.section(h).catch(function () {});
    });
  }

  /* Each candidate's ({posting}, in the lists' order) Σ idf·(4·heading + body weight) over the lists ({df, list}) holding it. */
  function estimates(lists, candidates) {
    var sections = S.dir().sections, estimate = candidates.map(function () { return 0; });
    for (var i = 0; i < lists.length; i++) {
      var weight = idf(lists[i].df, sections), list = lists[i].list;
      for (var j = 0, k = 0; j < list.length && k < candidates.length; ) {
        var p = list[j], d = order(p, candidates[k].posting);
        if (d < 0) j++;
        else if (d > 0) k++;
        else { estimate[k] += weight * (BOOST.heading * p[2] + BOOST.body * p[3]); j++; k++; }
      }
    }
    return estimate;
  }

  /* Common words' top lists may share few sections (人民调解 and 社区矫正 are each in tens of
     thousands, their best 3,000 in different ones). Then the rest of their postings is loaded
     for a few provinces at a time, those with the most reports first, until a page of results
     is found: each such province's answer is complete, so every hit is a true match. */
  var BEST_SECTIONS = 2;  /* sections shown under a report in the results: its best ones */
  var PAGE_SIZE = 10;  /* reports shown at a time, as search engines do: each loads an excerpt file or two */
  var WIDEN = [1, 2, 6];  /* provinces added per round: one first, which at 10,000 reports mostly fills a page (37 kB less than two) */
  function answer(c, lists, set, round, loaded, early) {
    var shaped = matching(c, lists, set);
    if (shaped[0].list.length >= PAGE_SIZE || complete(lists) || round >= WIDEN.length) return score(c, shaped, lists, early);
    var order = provinceOrder(loaded), next = order.slice(0, WIDEN[round]);
    next.forEach(function (p) { loaded.push(p); });
    return Promise.all(c.entries.map(function (e, i) {
      return lists[i].complete ? null : rest(e, next, order.length === next.length);
    })).then(function (extra) {
      extra.forEach(function (x, i) {
        if (!x) return;
        lists[i].list = merged(lists[i].list, x.list);
        lists[i].complete = x.complete;
      });
      return answer(c, lists, set, round + 1, loaded, early);
    });
  }
  /* The provinces not ``loaded`` yet, in the order a query widens to them: those with the most
     reports first, then -1, the reports placed in no province, if there are any. */
  function provinceOrder(loaded) {
    var dir = S.dir();
    var placed = dir.province_reports.reduce(function (a, b) { return a + b; }, 0);
    return dir.provinces.map(function (_, i) { return i; })
      .sort(function (a, b) { return dir.province_reports[b] - dir.province_reports[a] || a - b; })
      .concat(dir.reports > placed ? [-1] : []).filter(function (p) { return loaded.indexOf(p) < 0; });
  }
  /* The postings beyond a term's top list in these provinces; complete once all are in. */
  function rest(entry, provinces, last) {
    if (entry.provs === 'r') {
      return load('t', entry.loc + '-r').then(function (t) { return { list: S.decodePostings(t), complete: true }; });
    }
    var files = provinces.filter(function (p) { return entry.provs.indexOf(p) >= 0; })
      .map(function (p) { return load('t', entry.loc + '-' + (p < 0 ? 'x' : p)); });
    return Promise.all(files).then(function (texts) {
      var list = [];
      texts.forEach(function (t) { list = merged(list, S.decodePostings(t)); });
      return { list: list, complete: last };
    });
  }

  /* A result's report and section: {slug, title, province, place, year, section: [anchor, path, text]}. */
  S.section = function (hit) {
    var k = Math.floor(hit.section / S.dir().chunk);
    return load('c', hit.report + '-' + k).then(function (c) {
      return { slug: c.slug, title: c.title, province: c.province, place: c.place, year: c.year,
               section: c.sections[hit.section - k * S.dir().chunk] };
    });
  };

  /* The hits by report, in the order of each report's best hit: [{report, hits}]. */
  S.byReport = function (hits) {
    var groups = [], at = new Map();
    hits.forEach(function (h) {
      if (!at.has(h.report)) { at.set(h.report, groups.length); groups.push({ report: h.report, hits: [] }); }
      groups[at.get(h.report)].hits.push(h);
    });
    return groups;
  };

  /* The count line for a result when ``shown`` reports are on screen (``places``: in the answer by place). */
  S.summary = function (result, query, shown, places) {
    var n = result.hits.length, reports = result.groups.length, pruned = result.approximate && !result.partial;
    var phrase = '（短语只在最相关的 ' + VERIFY + ' 个章节中核对原文，结果可能不全；加上地区、年份等筛选可缩小范围）';
    var common = '（常用词只检索最相关的部分；按省份或地区筛选可得全部结果）';
    if (!n) {
      return pruned ? '在常用词最相关的部分中没有找到同时包含“' + query + '”的章节；按省份或地区筛选可检索全部。'
        : result.partial ? '在最相关的 ' + VERIFY + ' 个章节中没有找到原文含“' + query + '”的章节；加上筛选条件可缩小范围。'
        : result.listing ? '没有符合筛选条件的报告。' : '没有找到包含“' + query + '”的章节。';
    }
    if (places !== undefined) {
      return (result.approximate ? '最相关的 ' : result.listing ? '共 ' : '找到 ') + reports + ' 份报告，分属 ' + places + ' 个地区'
        + (result.approximate ? (pruned ? common : phrase) : '');
    }
    if (result.approximate) return '显示最相关的前 ' + n + ' 个章节，属 ' + reports + ' 份报告' + (pruned ? common : phrase);
    return (result.listing ? '共 ' + reports + ' 份报告' : '找到 ' + reports + ' 份报告中的 ' + n + ' 个章节')
      + (reports > shown ? '，显示前 ' + shown + ' 份报告' : '');
  };

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

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  S.el = el;  /* for search-places.js */

  function option(select, value, label, chosen) {
    var o = el('option', null, label);
    o.value = String(value);
    if (String(value) === chosen) o.selected = true;
    select.appendChild(o);
  }

  /* The page's query, filters and view (view=place: the answer by place), from its URL
     (links and bookmarks carry them). */
  var PARAMS = ['q', 'province', 'place', 'year', 'topic', 'view'];
  function wanted() {
    var params = new URLSearchParams(location.search), want = {};
    PARAMS.forEach(function (name) { want[name] = (params.get(name) || '').trim(); });
    return want;
  }
  function address(want) {
    var params = new URLSearchParams();
    PARAMS.forEach(function (name) { if (want[name]) params.set(name, want[name]); });
    return '?' + params.toString();
  }
  function filtered(want) { return ['province', 'place', 'year', 'topic'].some(function (name) { return want[name]; }); }

  function setUp() {
    var list = document.getElementById('search-results');
    if (!list || !S.dir()) return;
    var dir = S.dir(), form = document.getElementById('search-form');
    dir.provinces.forEach(function (p) { option(form.elements.province, p, p, ''); });
    dir.years.forEach(function (y) { option(form.elements.year, y, y + '年', ''); });
    Object.keys(dir.topics).forEach(function (t) { option(form.elements.topic, t, dir.topics[t], ''); });
    /* A search from this page runs here, without reloading it (the index files it already
       loaded stay loaded), and its URL goes into the history so it can be linked and revisited. */
    function search(focus) {
      var want = {};
      PARAMS.forEach(function (name) { want[name] = form.elements[name].value.trim(); });
      go(address(want), focus);
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      search(true);
    });
    /* A filter changed answers the query again; focus stays on the filter being set. */
    ['province', 'place', 'year', 'topic'].forEach(function (name) {
      form.elements[name].addEventListener('change', function () {
        if (name === 'province') fillPlaces(form.elements.place, form.elements.province.value, '');
        if (form.elements.q.value.trim() || current.shown) search(false);
      });
    });
    /* The views and the places of the answer by place are links to this page: followed in place. */
    ['search-views', 'search-places'].forEach(function (id) {
      document.getElementById(id).addEventListener('click', function (event) {
        var a = event.target.closest('a');
        if (!a || event.button || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        go(a.getAttribute('href'), true);
      });
    });
    window.addEventListener('popstate', function () { show(wanted()); });
    document.getElementById('search-more').addEventListener('click', function () { current.page(); });
    show(wanted());
    /* The places a query is checked against, made while the reader types. */
    setTimeout(function () { S.places(); }, 0);
  }
  function go(href, focus) {
    history.pushState(null, '', href);
    show(wanted(), focus);
  }

  var current = { page: function () {} };  /* the search on screen: {page(), shown} */
  var pageTitle = document.title;  /* 检索 · 法治报告档案; a search puts its query before it */
  /* Opened as a link (?q=…): the search begun as soon as dir.js was in, {key, result}. */
  var early = null;
  function answerTo(want) {
    var key = address(want);
    if (early && early.key === key) { var r = early.result; early = null; return r; }
    return S.search(want.q, want);
  }

  /* Shows the answer to ``want``; with ``focus`` (a search the reader just asked for) focus
     moves to the first result, or to the count when there is none. A year or place the query
     names is moved into the filters first (``S.lift``), in the URL too. */
  function show(want, focus) {
    var lifted = S.lift(want);
    if (address(lifted) !== address(want)) history.replaceState(null, '', address(lifted));
    want = lifted;
    var list = document.getElementById('search-results');
    var places = document.getElementById('search-places');
    var views = document.getElementById('search-views');
    var count = document.getElementById('search-count');
    var suggest = document.getElementById('search-suggest');
    var more = document.getElementById('search-more');
    var form = document.getElementById('search-form');
    var dir = S.dir(), query = want.q, byPlace = want.view === 'place';
    form.elements.q.value = query;
    form.elements.view.value = byPlace ? 'place' : '';
    form.elements.province.value = dir.provinces.indexOf(want.province) >= 0 ? want.province : '';
    /* The place list holds one province's places (thousands in all would slow every page
       load and be no use to scroll): the chosen province's, or the chosen place's. */
    var placeProvince = want.province || dir.provinces.filter(function (p) { return want.place.indexOf(p) === 0; })[0] || '';
    fillPlaces(form.elements.place, placeProvince, want.place);
    form.elements.year.value = want.year && dir.years.indexOf(+want.year) >= 0 ? want.year : '';
    form.elements.topic.value = want.topic in dir.topics ? want.topic : '';
    list.textContent = '';
    places.textContent = '';
    suggest.textContent = '';
    more.hidden = true;
    views.hidden = true;
    var me = current = { page: function () {}, shown: !!(query || filtered(want)) };
    document.title = query ? query + ' · ' + pageTitle : pageTitle;
    if (!me.shown) {
      count.textContent = '';
      list.setAttribute('aria-busy', 'false');
      return;
    }
    list.setAttribute('aria-busy', 'true');
    count.textContent = '正在检索…';
    var result = null, shown = 0;
    function failed(err) {
      if (current !== me) return;
      count.textContent = '检索出错：' + (err instanceof Error ? err.message : err);
      list.setAttribute('aria-busy', 'false');
    }
    function done(first) {
      if (!result.hits.length) suggestions(suggest, result, want);
      else showViews(views, want);
      list.setAttribute('aria-busy', 'false');
      var to = first !== undefined && (first > 0 || focus) && (byPlace ? places : list).querySelectorAll(byPlace ? 'a' : ':scope > li')[first];
      if (to) (to.querySelector('a') || to).focus();
      else if (focus) count.focus();
    }
    /* Shows the next page of results, PAGE_SIZE reports with their best sections (the "more"
       button asks again). */
    me.page = function () {
      var slice = result.groups.slice(shown, shown + PAGE_SIZE);
      list.setAttribute('aria-busy', 'true');
      return Promise.all(slice.map(function (g) { return Promise.all(g.hits.slice(0, BEST_SECTIONS).map(S.section)); })).then(function (docs) {
        if (current !== me) return;  /* a newer search replaced this one */
        slice.forEach(function (g, i) { list.appendChild(item(docs[i], g, result.marks)); });
        var first = shown;
        shown += slice.length;
        count.textContent = S.summary(result, query, shown);
        more.hidden = shown >= result.groups.length;
        done(first);
      }).catch(failed);
    };
    answerTo(want).then(function (r) {
      if (current !== me) return;
      result = r;
      result.groups = S.byReport(r.hits);
      if (!byPlace) return me.page();
      return placesCode().then(function () { return S.byPlace(result.groups); }).then(function (rows) {
        if (current !== me) return;
        var n = 0;
        rows.forEach(function (row) { n += row.places.length || 1; places.appendChild(S.placeItem(row, want, address)); });
        count.textContent = S.summary(result, query, 0, n);
        done(0);
      });
    }).catch(failed);
  }

  /* 按报告 | 按地区 (in the page): links to this search in each view, the current one marked. */
  function showViews(views, want) {
    Array.prototype.forEach.call(views.querySelectorAll('a'), function (a, i) {
      var to = {};
      Object.keys(want).forEach(function (k) { to[k] = want[k]; });
      to.view = i ? 'place' : '';
      a.href = address(to);
      if ((want.view === 'place') === !!i) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
    });
    views.hidden = false;
  }

  /* What to try when nothing was found: the query's words that the index holds (a shorter
     word: 后陈经验 → 后陈, 经验), and the query without the filters chosen. */
  function suggestions(suggest, result, want) {
    var links = result.terms.filter(function (t) { return Array.from(t).length >= 2 && t !== S.normalize(want.q); })
      .slice(0, 5).map(function (t) { return [t, t]; });
    if (filtered(want) && want.q) links.push(['不加筛选检索“' + want.q + '”', want.q]);
    if (!links.length) return;
    suggest.appendChild(document.createTextNode('试试：'));
    links.forEach(function (l, i) {
      if (i) suggest.appendChild(document.createTextNode('、'));
      var a = el('a', null, l[0]);
      a.href = '?q=' + encodeURIComponent(l[1]);
      suggest.appendChild(a);
    });
  }

  function fillPlaces(select, province, chosen) {
    var places = S.dir().places[province] || {};
    while (select.options.length > 1) select.remove(1);
    select.options[0].textContent = province ? '全部' : '全部（先选省份）';
    Object.keys(places).sort().forEach(function (c) {
      places[c].forEach(function (d) { option(select, province + c + d, (d || c) + (d && c ? '（' + c + '）' : ''), chosen); });
    });
  }

  /* A report in the results: title (to its best section), place and year, how many of its
     sections match, and its best sections, each with its heading and an excerpt. */
  function item(docs, group, terms) {
    var doc = docs[0], li = el('li', 'result');
    /* The report page marks these words in the section it opens at (report.js). */
    var hl = terms.length ? '?hl=' + encodeURIComponent(terms.join(' ')) : '';
    var a = el('a', 'result-title', doc.title);
    a.href = '../reports/' + doc.slug + '/index.html' + hl + '#' + doc.section[0];
    li.appendChild(a);
    li.appendChild(el('span', 'meta', [doc.province, doc.place !== doc.province ? doc.place : '', doc.year ? doc.year + '年' : '',
      group.hits.length + ' 个章节'].filter(Boolean).join(' · ')));
    docs.forEach(function (d) {
      var section = d.section;  /* [anchor, heading path, text] */
      var link = el('a', 'result-section', section[1].length ? section[1].join(' › ') : '导语');
      link.href = '../reports/' + d.slug + '/index.html' + hl + '#' + section[0];
      li.appendChild(link);
      var p = el('p', 'excerpt');
      S.excerpt(section[2] || section[1].join(' '), terms, 110).forEach(function (part) {
        p.appendChild(part[1] ? el('mark', null, part[0]) : document.createTextNode(part[0]));
      });
      li.appendChild(p);
    });
    return li;
  }

  var me = document.currentScript;
  /* The answer by place's code (search-places.js), loaded when first shown. */
  var placesAt = me && me.getAttribute('data-places');
  function placesCode() {
    return S.byPlace ? Promise.resolve() : new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = placesAt;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('脚本 ' + placesAt + ' 无法载入，网站副本可能不完整')); };
      document.head.appendChild(s);
    });
  }
  /* Run from the head (async): dir.js is asked for at once, and with ?q= the search begins when
     it is in, while the page may still load. */
  function noop() {}
  /* search-head.js, which the page runs first, holds what every load needs: without it (a copy of
     the site missing that file) the page says so, as it does of a missing index file. */
  var dirLoaded = S.path ? load('dir', 0) : Promise.reject(new Error('脚本 search-head.js 无法载入，网站副本可能不完整'));
  dirLoaded.then(function () {
    /* The vocabulary of every piece of the query is asked for before the query is parsed (10–20
       ms cold at 10,000 reports, the places it names included): a piece that names a place costs
       a few kB of vocabulary files it did not need. */
    var asked = wanted();
    vocabularies(S.pieces(asked.q || '')).catch(noop);
    var want = S.lift(asked);
    if (!want.q && !filtered(want)) return;
    early = { key: address(want), result: S.search(want.q, want) };
    early.result.catch(noop);  /* its failure is shown when the page asks for it */
  }, noop);
  var domLoaded = new Promise(function (resolve) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', resolve);
    else resolve();
  });
  Promise.all([dirLoaded, domLoaded]).then(setUp, function (err) {
    domLoaded.then(function () {
      var count = document.getElementById('search-count');
      if (count) count.textContent = '检索出错：' + err.message;
      var list = document.getElementById('search-results');
      if (list) list.setAttribute('aria-busy', 'false');
    });
  });
})(typeof window !== 'undefined' ? window : globalThis);
