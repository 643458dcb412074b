/* 法治报告档案 search: the answer by place (按地区), loaded by search.js when first shown (and by
   the Node tests beside it): which places' reports hold the query, with their number. */
(function (root) {
  'use strict';
  var S = root.FAZHI_SEARCH;

  /* The answer by place (按地区): the provinces and places of the reports ([{report}], as
     byReport gives them) with their number, most first (names in the filters' order between
     equals): [{province, reports, places: [{value, name, reports}]}]; a province's own reports
     count as a place without value, reports placed nowhere as a province ''. One file,
     f/places.js, says where every placed report is: pairs of (report number's delta, place). */
  S.byPlace = function (groups) {
    return S.load('f', 'places').then(function (text) {
      var ints = S.decodeInts(text || ''), where = new Map(), dir = S.dir(), pl = S.places(), n = dir.provinces.length;
      for (var k = 0, r = 0; k + 1 < ints.length; k += 2) { r += ints[k]; where.set(r, ints[k + 1]); }
      var provinces = new Map();
      function add(map, key, make) { if (!map.has(key)) map.set(key, make()); var x = map.get(key); x.reports++; return x; }
      groups.forEach(function (g) {
        var v = where.get(g.report) || 0, i = v > n ? v - 1 - n : -1, p = i >= 0 ? pl.provinceOf[i] : v - 1;
        var row = add(provinces, p, function () { return { province: dir.provinces[p] || '', reports: 0, at: new Map() }; });
        if (v) add(row.at, i, function () {
          var cd = pl.names[i] || [];
          return { value: i >= 0 ? pl.values[i] : '', reports: 0, order: i,
                   name: i < 0 ? '本级' : (cd[1] || cd[0]) + (cd[1] && cd[0] ? '（' + cd[0] + '）' : '') };
        });
      });
      function most(a, b) { return b.reports - a.reports || a.order - b.order; }
      return Array.from(provinces.keys()).map(function (p) {
        var row = provinces.get(p);
        return { province: row.province, reports: row.reports, order: p < 0 ? n : p,
                 places: Array.from(row.at.values()).sort(most) };
      }).sort(most);
    });
  };

  if (typeof document === 'undefined') return;

  var el = S.el;  /* the page's element maker (search.js) */

  /* A province of the answer by place, with its number of reports and its places', each linking
     to the same search within it. */
  S.placeItem = function (row, want, address) {
    function link(name, province, place, reports) {
      var to = {}, span = el('span', 'place-count');
      Object.keys(want).forEach(function (k) { to[k] = want[k]; });
      to.province = province;
      to.place = place;
      to.view = '';
      var a = el('a', null, name);
      a.href = address(to);
      span.appendChild(province || place ? a : el('span', null, name));
      span.appendChild(document.createTextNode(' ' + reports + ' 份'));
      return span;
    }
    var li = el('li');
    li.appendChild(link(row.province || '地区不详', row.province, '', row.reports));
    if (row.places.length) {
      var ul = el('ul');
      row.places.forEach(function (p) {
        var sub = el('li');
        sub.appendChild(p.value ? link(p.name, row.province, p.value, p.reports) : link(p.name, '', '', p.reports));
        ul.appendChild(sub);
      });
      li.appendChild(ul);
    }
    return li;
  };
})(typeof window !== 'undefined' ? window : globalThis);
