/* Handbook page behaviour: menu, switchers, self-assessment scoring (the audience filter
   and page navigation are in hb-nav.js).
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

    document.querySelectorAll("form.hb-assessment").forEach(function (form) {
      var result = form.querySelector(".hb-result");
      var section = form.closest("section") || document;
      var bands = section.querySelectorAll(".hb-band");
      form.querySelector(".hb-score").addEventListener("click", function () {
        var questions = form.querySelectorAll(".hb-question"), answered = 0, score = 0, wrong = 0;
        questions.forEach(function (q) {
          var checked = q.querySelector("input:checked");
          q.classList.remove("hb-wrong");
          if (!checked) return;
          answered += 1;
          if (form.dataset.kind === "quiz") {
            if (checked.value !== q.dataset.answer) { wrong += 1; q.classList.add("hb-wrong"); }
          } else { score += parseInt(checked.value, 10); }
        });
        if (answered < questions.length) {
          result.textContent = form.dataset.unanswered || (questions.length - answered) + " ?";
          return;
        }
        if (form.dataset.method === "deduct") score = parseInt(form.dataset.base, 10) - parseInt(form.dataset.perWrong, 10) * wrong;
        var label = "";
        bands.forEach(function (b) {
          var hit = score >= parseInt(b.dataset.min, 10) && score <= parseInt(b.dataset.max, 10);
          b.classList.toggle("hb-active", hit);
          if (hit) label = b.textContent.trim();
        });
        result.textContent = score + " — " + label;
      });
      form.addEventListener("reset", function () {
        result.textContent = "";
        bands.forEach(function (b) { b.classList.remove("hb-active"); });
        form.querySelectorAll(".hb-wrong").forEach(function (q) { q.classList.remove("hb-wrong"); });
      });
    });
  });
})();
