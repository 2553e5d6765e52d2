/* Self-assessments: a quiz or rating is scored only when every question is answered (else it
   says which are not); then each wrong answer shows the correct one, and the score its band.
   The page holds no answer as text, only digests of them: FNV-1a (32 bits) of
   "form:question:answer", as handbook/sphinxext/assessments.py writes them. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  function digest(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return ("0000000" + h.toString(16)).slice(-8);
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function optionText(input) {
    var label = input.closest("label");
    return label ? label.textContent.trim() : input.value;
  }

  function note(question, className, text) {
    var p = document.createElement("p");
    p.className = "hb-feedback " + className;
    p.textContent = text;
    question.appendChild(p);
  }

  function setUp(form) {
    var data = form.dataset, result = form.querySelector(".hb-result");
    var bands = (form.closest("section") || document).querySelectorAll(".hb-band");
    var questions = Array.prototype.slice.call(form.querySelectorAll(".hb-question"));

    function isRight(question, value) {
      return digest(data.form + ":" + question.dataset.q + ":" + value) === question.dataset.key;
    }

    function clear() {
      form.querySelectorAll(".hb-feedback").forEach(function (p) { p.remove(); });
      questions.forEach(function (q) { q.classList.remove("hb-wrong", "hb-right", "hb-unanswered"); });
      bands.forEach(function (b) { b.classList.remove("hb-active"); });
      form.classList.remove("hb-scored");
      result.classList.remove("hb-incomplete");
      result.textContent = "";
    }

    function score(event) {
      event.preventDefault();
      clear();
      var open = questions.filter(function (q) { return !q.querySelector("input:checked"); });
      if (open.length) {  // no score for part of a quiz: say which questions are left
        open.forEach(function (q) { q.classList.add("hb-unanswered"); });
        result.classList.add("hb-incomplete");
        result.textContent = fill(data.lIncomplete, {
          n: open.length, total: questions.length,
          list: open.map(function (q) { return q.dataset.number || String(questions.indexOf(q) + 1); }).join(data.lSep)
        });
        return;
      }
      var total = 0, wrong = 0;
      questions.forEach(function (q) {
        var checked = q.querySelector("input:checked");
        if (data.kind !== "quiz") { total += parseInt(checked.value, 10); return; }
        if (isRight(q, checked.value)) {
          q.classList.add("hb-right");
          note(q, "hb-right-note", data.lCorrect);
          return;
        }
        wrong += 1;
        q.classList.add("hb-wrong");
        var right = Array.prototype.filter.call(q.querySelectorAll("input"), function (input) {
          return isRight(q, input.value);
        })[0];
        note(q, "hb-answer-note", fill(data.lAnswer, { answer: right ? optionText(right) : "?" }));
      });
      if (data.method === "deduct") total = parseInt(data.base, 10) - parseInt(data.perWrong, 10) * wrong;
      var band = "";
      bands.forEach(function (b) {
        var hit = total >= parseInt(b.dataset.min, 10) && total <= parseInt(b.dataset.max, 10);
        b.classList.toggle("hb-active", hit);
        if (hit) band = b.textContent.trim();
      });
      form.classList.add("hb-scored");
      result.textContent = fill(data.lScore, { score: total, band: band });
    }

    form.addEventListener("submit", score);
    form.addEventListener("reset", clear);
  }

  ready(function () { document.querySelectorAll("form.hb-assessment").forEach(setUp); });
})();
