/* Sphinx's doctools.js compiles a catalog's plural rule with `new Function`, which the
   pages' Content-Security-Policy forbids (no eval). Loaded after doctools.js and before
   translations.js, this reads the rules gettext catalogs use without running code. */
(function () {
  "use strict";
  if (typeof Documentation === "undefined") return;
  function pluralRule(expr) {
    var text = String(expr).replace(/\s+/g, "");
    var constant = /^\(?(\d+)\)?$/.exec(text);
    if (constant) { var value = parseInt(constant[1], 10); return function () { return value; }; }
    if (/^\(?n>1\)?$/.test(text)) return function (n) { return n > 1 ? 1 : 0; };
    return function (n) { return n !== 1 ? 1 : 0; };  // "(n != 1)" and the default
  }
  Documentation.addTranslations = function (catalog) {
    Object.assign(Documentation.TRANSLATIONS, catalog.messages);
    Documentation.PLURAL_EXPR = pluralRule(catalog.plural_expr);
    Documentation.LOCALE = catalog.locale;
  };
})();
