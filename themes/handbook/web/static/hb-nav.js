/* Finding your way on a long page: the "on this page" list (a drawer on narrow screens),
   back to top, and the role filter, which says how many rules it hides, collapses the
   groups it empties and reveals a hidden rule a link leads to. */
(function () {
  "use strict";
  var ITEMS = ".hb-rule, .hb-phrase, .hb-case, .hb-change";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  function tocDrawer() {
    var toc = document.getElementById("hb-toc"), button = document.querySelector(".hb-toc-button");
    if (!toc || !button) return;
    function set(open) {
      toc.classList.toggle("hb-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { var first = toc.querySelector("li:not(.hb-hidden) a"); if (first) first.focus(); }
    }
    button.addEventListener("click", function () { set(!toc.classList.contains("hb-open")); });
    toc.addEventListener("click", function (e) { if (e.target.closest("a")) set(false); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toc.classList.contains("hb-open")) { set(false); button.focus(); }
    });
    document.addEventListener("click", function (e) {
      if (toc.classList.contains("hb-open") && !toc.contains(e.target) && !button.contains(e.target)) set(false);
    });
    // the group being read is marked in the list
    if (!("IntersectionObserver" in window)) return;
    var links = {};
    toc.querySelectorAll("a[href^='#']").forEach(function (a) { links[decodeURIComponent(a.getAttribute("href").slice(1))] = a; });
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        Object.keys(links).forEach(function (id) { links[id].classList.toggle("hb-current", id === entry.target.id); });
      });
    }, { rootMargin: "-15% 0px -70% 0px" });
    Object.keys(links).forEach(function (id) { var el = document.getElementById(id); if (el) observer.observe(el); });
  }

  function backToTop() {
    var top = document.querySelector(".hb-top");
    if (!top) return;
    top.hidden = false;
    function update() { top.classList.toggle("hb-show", window.scrollY > window.innerHeight); }
    window.addEventListener("scroll", update, { passive: true });
    update();
    top.addEventListener("click", function (e) {
      e.preventDefault();
      window.scrollTo(0, 0);
      var menu = document.querySelector(".hb-header a, .hb-header button");
      if (menu) menu.focus({ preventScroll: true });
    });
  }

  function roleFilter() {
    var filter = document.getElementById("hb-audience");
    var status = document.querySelector(".hb-filter-status");
    if (!filter) return;
    var items = Array.prototype.slice.call(document.querySelectorAll(ITEMS));
    var groups = Array.prototype.slice.call(document.querySelectorAll(".hb-body section section"));
    var toc = document.getElementById("hb-toc");

    function apply(value) {
      var hidden = 0;
      items.forEach(function (el) {
        var tagged = Array.prototype.some.call(el.classList, function (c) { return c.indexOf("aud-") === 0; });
        var hide = Boolean(value) && tagged && !el.classList.contains("aud-" + value);
        el.classList.toggle("hb-hidden", hide);
        if (hide) hidden += 1;
      });
      groups.forEach(function (group) {
        var own = group.querySelectorAll(ITEMS);
        var empty = own.length > 0 && Array.prototype.every.call(own, function (el) { return el.classList.contains("hb-hidden"); });
        group.classList.toggle("hb-hidden", empty);
        var link = toc && group.id && toc.querySelector('a[href="#' + group.id + '"]');
        if (link) link.parentNode.classList.toggle("hb-hidden", empty);
      });
      if (status) {
        status.hidden = !hidden;
        status.querySelector("span").textContent = (status.getAttribute("data-template") || "{n}").replace("{n}", String(hidden));
      }
    }

    /* A link to a rule the filter hides: show that rule (and its group), then go to it. */
    function reveal() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (!target || !target.closest(".hb-hidden")) return;
      for (var el = target; el; el = el.parentElement) el.classList.remove("hb-hidden");
      target.scrollIntoView();
    }

    var saved = "";
    try { saved = window.localStorage.getItem("hb-audience") || ""; } catch (e) { saved = ""; }
    if (saved && filter.querySelector('option[value="' + saved + '"]')) { filter.value = saved; apply(saved); }
    reveal();
    window.addEventListener("hashchange", reveal);
    filter.addEventListener("change", function () {
      try { window.localStorage.setItem("hb-audience", filter.value); } catch (e) { /* private mode */ }
      apply(filter.value);
    });
    var all = status && status.querySelector(".hb-show-all");
    if (all) {
      all.addEventListener("click", function () {
        filter.value = "";
        try { window.localStorage.setItem("hb-audience", ""); } catch (e) { /* private mode */ }
        apply("");
        filter.focus();
      });
    }
  }

  /* The header stays at the top; what sits under it (drawers, anchors) needs its height. */
  function headerHeight() {
    var header = document.querySelector(".hb-header");
    if (!header) return;
    function update() { document.documentElement.style.setProperty("--hb-header-h", header.offsetHeight + "px"); }
    update();
    window.addEventListener("resize", update);
  }

  /* The chapter menu of narrow screens closes like the "on this page" drawer. */
  function menuDrawer() {
    var menu = document.querySelector(".hb-menu"), nav = document.getElementById("hb-nav");
    if (!menu || !nav) return;
    function close() { nav.classList.remove("hb-open"); menu.setAttribute("aria-expanded", "false"); }
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && nav.classList.contains("hb-open")) { close(); menu.focus(); }
    });
    document.addEventListener("click", function (e) {
      if (nav.classList.contains("hb-open") && !nav.contains(e.target) && !menu.contains(e.target)) close();
    });
  }

  ready(function () { headerHeight(); menuDrawer(); tocDrawer(); backToTop(); roleFilter(); });
})();
