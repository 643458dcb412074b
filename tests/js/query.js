// Query a built site's search index under Node through the same core the page uses
// (templates/assets/search.js); data files are read instead of <script>-loaded. Every ranking
// S.rank makes is checked against real lunr.js 2.3.9 (tests/js/lunr_rank.js): a difference fails.
// usage: node tests/js/query.js <site dir> <search.js path> <query>...   → JSON lines
//   a query may carry filters as a JSON object: {"q": "行政复议", "province": "江西省"}
//   --expand <term>...  prints the lunr index of these terms' postings instead
//   --lift <query or JSON object>...  prints what S.lift moves into the filters instead
// Each answer's line has its hits (slug#anchor), the count line the page shows (message) and
// the answer by place (places: [province, reports, [[place value, name, reports]...]]) and the
// files the search asked for, round by round (rounds).
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const oracle = require('./lunr_rank.js');
const [site, searchJs, ...args] = process.argv.slice(2);
const assets = path.dirname(path.resolve(searchJs));
require(path.join(assets, 'search-head.js'));
const S = require(path.resolve(searchJs));
require(path.join(assets, 'search-places.js'));
// The characters with a vocabulary file, as the page's head carries them (search-head.js).
const page = fs.readFileSync(path.join(site, 'search', 'index.html'), 'utf8');
S.first = S.firstCharacters(page.match(/data-first="([^"]*)"/)[1]);
const rank = S.rank;
S.rank = (lists, sections) => {
  const wrong = oracle.difference({ ...S, rank }, lists, sections);
  if (wrong) throw new Error('S.rank differs from lunr.js: ' + JSON.stringify(wrong));
  return rank(lists, sections);
};
const dir = path.join(site, 'search');
// Files arrive as over a network where each takes as long: every file asked for before the
// next delivery comes in one round, and each answer's `rounds` lists the files of each round.
let rounds = [], waiting = [];
S.loader = (kind, key, done) => {
  const file = path.join(dir, S.path(kind, key));
  if (!rounds.length) rounds.push([]);
  rounds[rounds.length - 1].push(S.path(kind, key));
  waiting.push(() => {
    if (!fs.existsSync(file)) done(null);
    else vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
  });
  if (waiting.length === 1) setTimeout(deliver, 0);
};
function deliver() {
  const now = waiting;
  waiting = [];
  rounds.push([]);
  now.forEach((arrive) => arrive());
}
vm.runInThisContext(fs.readFileSync(path.join(dir, 'dir.js'), 'utf8'));

async function expand(terms) {
  // Every posting of these terms (all provinces), as the page would expand them unfiltered.
  const provinces = S.dir().provinces.map((_, i) => i);
  const lists = [];
  for (const t of terms) {
    const parsed = await S.termPostings(t, provinces);
    lists.push(parsed);
  }
  return oracle.expand(S, lists, S.dir().sections);
}

(async () => {
  if (args[0] === '--expand') {
    process.stdout.write(JSON.stringify(await expand(args.slice(1))) + '\n');
    return;
  }
  if (args[0] === '--lift') {
    for (const arg of args.slice(1)) {
      process.stdout.write(JSON.stringify(S.lift(arg.startsWith('{') ? JSON.parse(arg) : { q: arg })) + '\n');
    }
    return;
  }
  for (const arg of args) {
    const want = arg.startsWith('{') ? JSON.parse(arg) : { q: arg };
    rounds = [];
    const result = await S.search(want.q, want);
    const asked = rounds.filter((r) => r.length);
    result.groups = S.byReport(result.hits);
    const places = (await S.byPlace(result.groups))
      .map((p) => [p.province, p.reports, p.places.map((x) => [x.value, x.name, x.reports])]);
    const message = S.summary(result, want.q, result.groups.length);
    const hits = [];
    for (const h of result.hits) {
      const doc = await S.section(h);
      hits.push(`${doc.slug}#${doc.section[0]}`);
    }
    process.stdout.write(JSON.stringify({ query: arg, terms: result.terms, hits, approximate: result.approximate,
                                          partial: result.partial, message, places, rounds: asked }) + '\n');
  }
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
