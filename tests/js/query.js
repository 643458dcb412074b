// Query a built site's search index with real lunr.js 2.3.9 under Node, through the same
// core the page uses (templates/assets/search.js); data files are read instead of <script>-loaded.
// usage: node tests/js/query.js <site dir> <search.js path> <query>...   → JSON lines
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const [site, searchJs, ...queries] = process.argv.slice(2);
global.lunr = require(path.resolve(__dirname, '../../node_modules/lunr/lunr.js'));
const S = require(path.resolve(searchJs));
const dir = path.join(site, 'search');
S.loader = (kind, key, done) => {
  const file = path.join(dir, kind, `${key}.js`);
  const flat = path.join(dir, `${kind}.js`);
  const target = fs.existsSync(file) ? file : (kind !== 't' && kind !== 'd' && fs.existsSync(flat) ? flat : null);
  if (!target) { done(null); return; }
  vm.runInThisContext(fs.readFileSync(target, 'utf8'), { filename: target });
};
vm.runInThisContext(fs.readFileSync(path.join(dir, 'dir.js'), 'utf8'));
(async () => {
  for (const q of queries) {
    const result = await S.search(q);
    const hits = [];
    for (const h of result.hits) {
      const doc = await S.report(h.report);
      hits.push(`${doc.slug}#${doc.sections[h.section][0]}`);
    }
    process.stdout.write(JSON.stringify({ query: q, terms: result.terms, hits }) + '\n');
  }
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
