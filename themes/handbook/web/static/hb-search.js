/* Handbook search: rules, phrase cards and sections of hb-search-index.js (built by
   handbook/search.py), in the header box as you type and on search.html?q=… .
   Chinese is matched in Simplified form (the index's t2s table), the query cut into the
   words jieba cut the index into; English words are stemmed (Snowball, hb-stemmer.js).
   No network beyond this site's own two scripts; works from file:// too. */
(function () {
  "use strict";
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9\u00c0-\u024f]+/g;
  var LATIN = /[a-z0-9\u00c0-\u024f]+/g;
  var STOP = { a: 1, an: 1, and: 1, are: 1, as: 1, at: 1, be: 1, by: 1, "do": 1, "for": 1, how: 1,
    i: 1, "in": 1, is: 1, it: 1, my: 1, of: 1, on: 1, or: 1, the: 1, to: 1, what: 1, "with": 1 };
  var UNKNOWN = 200; // cost of a character the index never cut into a word
  var form, input, engine = null, waiting = [], loading = false;

  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  function label(key, fallback) { return (form && form.getAttribute("data-l-" + key)) || fallback; }

  function loadScript(src, done) {
    var s = document.createElement("script");
    s.src = src;
    s.addEventListener("load", done);
    s.addEventListener("error", done);
    document.head.appendChild(s);
  }

  function whenReady(fn) {
    if (engine) { fn(engine); return; }
    waiting.push(fn);
    if (loading || !form) return;
    loading = true;
    loadScript(form.getAttribute("data-stemmer"), function () {
      loadScript(form.getAttribute("data-index"), function () {
        if (!window.HB_SEARCH_INDEX) return;
        engine = new Engine(window.HB_SEARCH_INDEX);
        waiting.splice(0).forEach(function (f) { f(engine); });
      });
    });
  }

  /* --- the engine ------------------------------------------------------------------- */

  function Engine(raw) {
    var self = this, i;
    this.t2s = {};
    for (i = 0; i + 1 < raw.t2s.length; i += 2) this.t2s[raw.t2s[i]] = raw.t2s[i + 1];
    this.words = raw.words || {};
    this.maxLen = 1;
    Object.keys(this.words).forEach(function (w) { if (w.length > self.maxLen) self.maxLen = w.length; });
    this.chapters = raw.chapters;
    this.roles = raw.roles;
    this.lang = raw.lang;
    var stemmer = null;
    try { if (typeof EnglishStemmer === "function") stemmer = new EnglishStemmer(); } catch (e) { stemmer = null; }
    var memo = {};
    this.stem = function (w) {
      if (!stemmer) return w;
      if (!Object.prototype.hasOwnProperty.call(memo, w)) memo[w] = stemmer.stemWord(w);
      return memo[w];
    };
    var chapterNorm = raw.chapters.map(function (c) { return self.norm(c[1]); });
    var chapterStems = chapterNorm.map(function (c) { return self.stems(c); });
    this.docs = raw.docs.map(function (d, n) {
      var doc = { n: n, kind: d[0], chapter: d[1], anchor: d[2], code: d[3], title: d[4], text: d[5],
        roles: d[6] };
      doc.nt = self.norm(doc.title);
      doc.nx = self.norm(doc.text);
      doc.nc = doc.code.toLowerCase();
      var alt = (d[7] || "").split("\n"); // as the other Chinese script words it (公尺 / 米)
      doc.nat = self.norm(alt[0]);
      doc.nax = self.norm(alt.slice(1).join("\n"));
      doc.ts = self.stems(doc.nt);
      doc.xs = self.stems(doc.nx);
      doc.nh = chapterNorm[doc.chapter];
      doc.hs = chapterStems[doc.chapter];
      return doc;
    });
  }

  Engine.prototype.norm = function (s) {
    var t2s = this.t2s, out = "", lower = s.toLowerCase(), i, c;
    if (lower.length !== s.length) lower = s; // keep positions of the text
    for (i = 0; i < lower.length; i++) { c = lower[i]; out += t2s[c] || c; }
    return out;
  };

  Engine.prototype.stems = function (ns) {
    var set = {}, m, self = this;
    LATIN.lastIndex = 0;
    while ((m = LATIN.exec(ns))) { set[self.stem(m[0])] = m[0]; }
    return set;
  };

  /* The cut of a run of Chinese characters with the least cost, as jieba cuts without HMM. */
  Engine.prototype.segment = function (run) {
    var n = run.length, best = new Array(n + 1), next = new Array(n + 1), i, j, w, cost;
    best[n] = 0;
    for (i = n - 1; i >= 0; i--) {
      best[i] = Infinity;
      for (j = i + 1; j <= Math.min(n, i + this.maxLen); j++) {
        w = run.slice(i, j);
        cost = Object.prototype.hasOwnProperty.call(this.words, w) ? this.words[w] : (j === i + 1 ? UNKNOWN : Infinity);
        if (cost + best[j] < best[i]) { best[i] = cost + best[j]; next[i] = j; }
      }
    }
    var out = [];
    for (i = 0; i < n; i = next[i]) out.push(run.slice(i, next[i]));
    return out;
  };

  Engine.prototype.terms = function (query, typing) {
    var q = this.norm(query), terms = [], m, self = this;
    CJK.lastIndex = 0;
    while ((m = CJK.exec(q))) {
      if (/^[a-z0-9\u00c0-\u024f]/.test(m[0])) terms.push({ cjk: false, text: m[0], stem: self.stem(m[0]) });
      else self.segment(m[0]).forEach(function (w) { terms.push({ cjk: true, text: w }); });
    }
    if (typing && terms.length && !/\s$/.test(query) && !terms[terms.length - 1].cjk) terms[terms.length - 1].prefix = true;
    var kept = terms.filter(function (t) { return t.cjk || !STOP[t.text]; });
    return kept.length ? kept : terms;
  };

  function hasPrefix(set, prefix) {
    for (var k in set) if (set[k].indexOf(prefix) === 0) return true;
    return false;
  }

  Engine.prototype.score = function (doc, terms, phrase) {
    var score = 0, hits = 0, i, t, s;
    for (i = 0; i < terms.length; i++) {
      t = terms[i]; s = 0;
      if (t.cjk) {
        var weight = t.text.length > 1 ? 1 : 0.4;
        if (doc.nt.indexOf(t.text) >= 0 || (doc.nat && doc.nat.indexOf(t.text) >= 0)) s += 10 * weight;
        if (doc.nx.indexOf(t.text) >= 0 || (doc.nax && doc.nax.indexOf(t.text) >= 0)) s += 2 * weight;
        if (!s && doc.nh.indexOf(t.text) >= 0) s = 0.5 * weight; // the words of its chapter
      } else {
        if (doc.ts[t.stem] !== undefined) s += 10;
        else if (t.prefix && t.text.length > 1 && hasPrefix(doc.ts, t.text)) s += 6;
        if (doc.xs[t.stem] !== undefined) s += 2;
        else if (t.prefix && t.text.length > 1 && hasPrefix(doc.xs, t.text)) s += 1;
        if (doc.nc && doc.nc.indexOf(t.text) >= 0) s += 12;
        if (!s && doc.hs[t.stem] !== undefined) s = 0.5;
      }
      if (s > 0) hits += 1;
      score += s;
    }
    if (!hits) return [0, 0];
    if (phrase.length > 1) {
      if (doc.nt === phrase || doc.nc === phrase || doc.nat === phrase) score += 40;
      else if (doc.nt.indexOf(phrase) >= 0 || (doc.nat && doc.nat.indexOf(phrase) >= 0)) score += 15;
      else if (doc.nx.indexOf(phrase) >= 0 || (doc.nax && doc.nax.indexOf(phrase) >= 0)) score += 3;
    }
    if (doc.kind === 0) score += 2;
    else if (score < 10) score *= 0.8; // a section that merely mentions the words
    return [score, hits];
  };

  /* Every matching doc, best first; all words must match unless none does (then `partial`). */
  Engine.prototype.search = function (query, filters, typing) {
    var terms = this.terms(query, typing), self = this;
    if (!terms.length) return { terms: terms, results: [], partial: false };
    var phrase = this.norm(query).replace(/\s+/g, "");
    var full = [], some = [];
    this.docs.forEach(function (doc) {
      if (filters && filters.chapter !== "" && filters.chapter !== undefined && String(doc.chapter) !== String(filters.chapter)) return;
      if (filters && filters.role !== "" && filters.role !== undefined && doc.roles.length &&
          doc.roles.indexOf(Number(filters.role)) < 0) return;
      var r = self.score(doc, terms, phrase);
      if (!r[1]) return;
      (r[1] === terms.length ? full : some).push({ doc: doc, score: r[0] + r[1] });
    });
    var partial = !full.length && some.length > 0;
    var results = partial ? some : full;
    results.sort(function (a, b) { return b.score - a.score || a.doc.n - b.doc.n; });
    return { terms: terms, results: results, partial: partial };
  };

  /* [start, end) of every matched word in a normalised string. */
  Engine.prototype.ranges = function (ns, terms) {
    var out = [], self = this, m;
    terms.forEach(function (t) {
      if (t.cjk) {
        for (var at = ns.indexOf(t.text); at >= 0; at = ns.indexOf(t.text, at + t.text.length)) out.push([at, at + t.text.length]);
      }
    });
    LATIN.lastIndex = 0;
    while ((m = LATIN.exec(ns))) {
      var word = m[0], stem = self.stem(word);
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i];
        if (!t.cjk && (stem === t.stem || (t.prefix && word.indexOf(t.text) === 0))) { out.push([m.index, m.index + word.length]); break; }
      }
    }
    out.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r.slice());
    });
    return merged;
  };

  /* --- rendering ---------------------------------------------------------------------- */

  function marked(parent, text, ranges, from, to) {
    var at = from;
    ranges.forEach(function (r) {
      var a = Math.max(r[0], from), b = Math.min(r[1], to);
      if (b <= a) return;
      if (a > at) parent.appendChild(document.createTextNode(text.slice(at, a)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      parent.appendChild(mark);
      at = b;
    });
    if (at < to) parent.appendChild(document.createTextNode(text.slice(at, to)));
  }

  function snippet(engine, doc, terms, el) {
    var ranges = engine.ranges(doc.nx, terms), text = doc.text;
    var wide = !/[\u3400-\u9fff]/.test(text), before = wide ? 70 : 24, length = wide ? 220 : 90;
    var start = ranges.length ? Math.max(0, ranges[0][0] - before) : 0;
    if (wide && start > 0) { var space = text.indexOf(" ", start); if (space >= 0 && space < ranges[0][0]) start = space + 1; }
    var end = Math.min(text.length, start + length);
    if (wide && end < text.length) { var back = text.lastIndexOf(" ", end); if (back > start + length / 2) end = back; }
    if (start > 0) el.appendChild(document.createTextNode("… "));
    marked(el, text, ranges, start, end);
    if (end < text.length) el.appendChild(document.createTextNode(" …"));
  }

  function href(engine, doc) {
    var page = engine.chapters[doc.chapter][0];
    var root = document.documentElement.getAttribute("data-content_root") || "";
    return (root === "./" ? "" : root) + page + "#" + doc.anchor;
  }

  function resultItem(engine, hit, terms, full) {
    var doc = hit.doc, li = document.createElement("li"), a = document.createElement("a");
    li.className = "hb-hit" + (doc.kind === 0 ? " hb-hit-rule" : " hb-hit-section");
    a.href = href(engine, doc);
    a.className = "hb-hit-link";
    if (doc.code) {
      var code = document.createElement("span");
      code.className = "hb-hit-code";
      code.textContent = doc.code;
      a.appendChild(code);
      a.appendChild(document.createTextNode(" "));
    }
    var title = document.createElement("span");
    title.className = "hb-hit-title";
    marked(title, doc.title, engine.ranges(doc.nt, terms), 0, doc.title.length);
    a.appendChild(title);
    li.appendChild(a);
    if (full && doc.text) {
      var p = document.createElement("p");
      p.className = "hb-hit-snippet";
      snippet(engine, doc, terms, p);
      li.appendChild(p);
    }
    var meta = document.createElement("p");
    meta.className = "hb-hit-meta";
    var chapter = document.createElement("span");
    chapter.className = "hb-hit-chapter";
    chapter.textContent = engine.chapters[doc.chapter][1];
    meta.appendChild(chapter);
    if (full) {
      var roles = document.createElement("span");
      roles.className = "hb-hit-roles";
      var sep = /^zh/.test(engine.lang) ? "、" : ", ";
      roles.textContent = doc.roles.length ? doc.roles.map(function (r) { return engine.roles[r][1]; }).join(sep)
        : label("everyone", "Everyone");
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(roles);
    }
    li.appendChild(meta);
    return li;
  }

  function format(template, n) { return template.replace("{n}", String(n)); }

  /* --- the search page ----------------------------------------------------------------- */

  function searchPage(page) {
    var results = document.getElementById("search-results");
    var summary = document.getElementById("hb-search-summary");
    var chapter = document.getElementById("hb-search-chapter");
    var role = document.getElementById("hb-search-role");
    var params = new URLSearchParams(window.location.search);
    var query = params.get("q") || "";
    input.value = query;
    summary.textContent = label("loading", "Loading…");

    function option(select, value, text) {
      var o = document.createElement("option");
      o.value = value; o.textContent = text;
      select.appendChild(o);
    }

    function run(engine) {
      var q = input.value.trim();
      results.textContent = "";
      if (!q) { summary.textContent = ""; return; }
      var found = engine.search(q, { chapter: chapter.value, role: role.value }, true);
      summary.textContent = found.results.length
        ? (found.partial ? label("partial", "No result has every word; results with some of them:") + " " : "") +
          format(label("count", "{n} results"), found.results.length)
        : label("none", "Nothing found.");
      var list = document.createElement("ol");
      list.className = "hb-hits";
      found.results.forEach(function (hit) { list.appendChild(resultItem(engine, hit, found.terms, true)); });
      results.appendChild(list);
    }

    whenReady(function (engine) {
      var used = {};
      engine.docs.forEach(function (d) { used[d.chapter] = true; });
      engine.chapters.forEach(function (c, i) { if (used[i]) option(chapter, String(i), c[1]); });
      engine.roles.forEach(function (r, i) { option(role, String(i), r[1]); });
      chapter.value = params.get("chapter") || "";
      var wanted = params.get("role");
      engine.roles.forEach(function (r, i) { if (r[0] === wanted) role.value = String(i); });
      page.classList.add("hb-ready");
      run(engine);
      var timer = 0;
      function update() {
        var url = new URL(window.location.href);
        url.searchParams.set("q", input.value);
        if (chapter.value) url.searchParams.set("chapter", chapter.value); else url.searchParams.delete("chapter");
        if (role.value) url.searchParams.set("role", engine.roles[Number(role.value)][0]); else url.searchParams.delete("role");
        try { window.history.replaceState(null, "", url.href); } catch (e) { /* file:// in some browsers */ }
        run(engine);
      }
      input.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(update, 150); });
      chapter.addEventListener("change", update);
      role.addEventListener("change", update);
      form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    });
  }

  /* --- results as you type in the header box ------------------------------------------- */

  function liveBox() {
    var box = document.createElement("div");
    box.className = "hb-live";
    box.id = "hb-live";
    box.hidden = true;
    form.appendChild(box);
    input.setAttribute("aria-controls", "hb-live");
    input.setAttribute("autocomplete", "off");
    var timer = 0;

    function close() { box.hidden = true; input.setAttribute("aria-expanded", "false"); }
    function show(engine) {
      var q = input.value.trim();
      box.textContent = "";
      if (!q) { close(); return; }
      var found = engine.search(input.value, null, true);
      var list = document.createElement("ol");
      list.className = "hb-hits hb-live-results";
      found.results.slice(0, 6).forEach(function (hit) { list.appendChild(resultItem(engine, hit, found.terms, false)); });
      box.appendChild(list);
      var more = document.createElement("a");
      more.className = "hb-live-all";
      more.href = form.getAttribute("action") + "?q=" + encodeURIComponent(q);
      more.textContent = found.results.length ? format(label("all", "Show all {n} results"), found.results.length)
        : label("none", "Nothing found.");
      box.appendChild(more);
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    input.addEventListener("focus", function () { whenReady(function () { /* warm up */ }); });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { whenReady(show); }, 120);
    });
    form.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(box.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (e.key === "Escape") { close(); input.focus(); }
      else if (e.key === "ArrowDown" && !box.hidden && links.length) { e.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus(); }
      else if (e.key === "ArrowUp" && at >= 0) { e.preventDefault(); if (at === 0) input.focus(); else links[at - 1].focus(); }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
  }

  ready(function () {
    form = document.querySelector("form.hb-search");
    input = form && form.querySelector("input[name=q]");
    if (!form || !input) return;
    var page = document.getElementById("hb-search-page");
    if (page) searchPage(page); else liveBox();
  });

  window.HandbookSearch = { whenReady: whenReady };
})();
