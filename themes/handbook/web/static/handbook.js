/* Handbook page behaviour: menu and switchers (the audience filter and page navigation are
   in hb-nav.js, self-assessments in hb-quiz.js).
   No network, no external scripts; everything works without it too. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  ready(function () {
    var menu = document.querySelector(".hb-menu"), nav = document.getElementById("hb-nav");
    if (menu && nav) {
      menu.addEventListener("click", function () {
        var open = nav.classList.toggle("hb-open");
        menu.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }

    document.querySelectorAll(".hb-nav-select").forEach(function (select) {
      select.addEventListener("change", function () { window.location.href = select.value + window.location.hash; });
    });

    // the audience filter: hb-nav.js
    // self-assessments: hb-quiz.js
  });
})();
