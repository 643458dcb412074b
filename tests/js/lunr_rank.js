// The oracle for S.rank (templates/assets/search.js): real lunr.js 2.3.9 over the same postings.
// The postings are written in the serialised form lunr.Index.load takes, as lunr's Builder would
// write it (vector values from S.fieldValue, which the Python tests hold to the lunr package's
// Builder), and lunr answers idx.query with every term REQUIRED.
'use strict';
const path = require('path');
const lunr = require(path.resolve(__dirname, '../../node_modules/lunr/lunr.js'));

// The serialised lunr index of these lists ({term, df, list: [[report, section, heading, body]]}).
function expand(S, lists, sections) {
  const sorted = lists.slice().sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  const inverted = [], vectors = {};
  sorted.forEach((l, n) => {
    const weight = S.idf(l.df, sections);
    const posting = { _index: n };
    S.FIELDS.forEach((f) => { posting[f] = {}; });
    for (const p of l.list) {
      const ref = p[0] + '-' + p[1];
      S.FIELDS.forEach((f, k) => {
        const w = p[2 + k];
        if (!w) return;
        posting[f][ref] = {};
        (vectors[f + '/' + ref] = vectors[f + '/' + ref] || []).push(n, S.fieldValue(weight, w, f));
      });
    }
    inverted.push([l.term, posting]);
  });
  return {
    version: '2.3.9', fields: S.FIELDS.slice(), pipeline: [], invertedIndex: inverted,
    fieldVectors: Object.keys(vectors).sort().map((k) => [k, vectors[k]]),
  };
}

// lunr's answer over these lists: [{report, section, score}], in lunr's order.
function lunrRank(S, lists, sections) {
  const idx = lunr.Index.load(expand(S, lists, sections));
  return idx.query((q) => {
    for (const l of lists) q.term(l.term, { presence: lunr.Query.presence.REQUIRED, usePipeline: false });
  }).map((r) => {
    const [report, section] = r.ref.split('-').map(Number);
    return { report, section, score: r.score };
  });
}

// Where S.rank's answer differs from lunr's (the same sections, the very same scores): null if nowhere.
function difference(S, lists, sections) {
  const key = (h) => h.report * 65536 + h.section;
  const line = (hits) => hits.slice().sort((a, b) => key(a) - key(b)).map((h) => `${h.report}-${h.section} ${h.score}`);
  const mine = line(S.rank(lists, sections)), theirs = line(lunrRank(S, lists, sections));
  let at = mine.findIndex((m, i) => m !== theirs[i]);
  if (at < 0 && mine.length === theirs.length) return null;
  if (at < 0) at = mine.length;
  return { mine: mine.length, lunr: theirs.length, first: [mine[at], theirs[at]] };
}

module.exports = { expand, lunrRank, difference, lunr };
