/* 法治报告档案 search: the part run while the search page is parsed (parser-blocking, in the
 * head, before search.js, which uses what it defines).
 *
 * It holds the compact-number decoder, the data files' paths and the characters a term of the index starts with:
 * its tag's data-first, written by the build; each of them has a vocabulary file (v/).
 * Opened as a link (?q=), the page asks for the vocabulary file of each character of the query
 * at once. search.js, async, would ask for them only when dir.js is in and the page's first
 * layout is done: 50 ms later over HTTP at 10,000 reports. A character with no vocabulary file
 * is not asked for, so nothing is requested that is absent.
 */
(function (root) {
  'use strict';
  var S = root.FAZHI_SEARCH = root.FAZHI_SEARCH || {};
  var DIGITS_LAST = '0123456789abcdefghijklmnopqrstuv';
  var DIGITS_MORE = 'wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$%';

  /* --- compact numbers (generator/search/encoding.py) ------------------------------- */
  /* A digit's value by its character code: 0–31 for a last digit, 32–63 for the others. */
  var DIGIT = new Int8Array(128);
  for (var d = 0; d < 32; d++) { DIGIT[DIGITS_LAST.charCodeAt(d)] = d; DIGIT[DIGITS_MORE.charCodeAt(d)] = 32 + d; }
  S.decodeInts = function (text) {
    var out = [], v = 0;
    for (var i = 0; i < text.length; i++) {
      var d = DIGIT[text.charCodeAt(i)];
      if (d < 32) { out.push(v * 32 + d); v = 0; } else v = v * 32 + d - 32;
    }
    return out;
  };
  S.runningSum = function (ints) { var s = 0; return ints.map(function (d) { s += d; return s; }); };

  S.normalize = function (text) { return text.normalize('NFKC').toLowerCase(); };
  /* Where a data file lives, relative to search/, the page's own folder: its preloads and
     search.js's loads name the same file alike. */
  S.path = function (kind, key) { return kind === 'dir' ? 'dir.js' : kind + '/' + key + '.js'; };
  /* A vocabulary file's key: the code points of its prefix in hex, joined by _. */
  S.hex = function (text) { return Array.from(text).map(function (c) { return c.codePointAt(0).toString(16); }).join('_'); };
  /* The first characters' code points, from their differences (data-first): a Set of numbers,
     since 2,000 string keys cost the page 6 ms before its first layout. */
  S.firstCharacters = function (encoded) { return new Set(S.runningSum(S.decodeInts(encoded))); };

  var me = typeof document !== 'undefined' && document.currentScript;
  if (!me) return;  /* under Node, the tests give S.first themselves */
  S.first = S.firstCharacters(me.getAttribute('data-first') || '');
  var q = new URLSearchParams(location.search).get('q');
  var asked = Object.create(null);
  Array.from(S.normalize(q || '')).forEach(function (c) {
    if (!S.first.has(c.codePointAt(0)) || asked[c]) return;
    asked[c] = true;
    var link = document.createElement('link');
    link.rel = 'preload';
    link.as = 'script';
    link.href = S.path('v', S.hex(c));
    document.head.appendChild(link);
  });
})(typeof window !== 'undefined' ? window : globalThis);
