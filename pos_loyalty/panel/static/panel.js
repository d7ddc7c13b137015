// The panel's only script: find a client as you type, filter the catalogue, and let the client display
// follow the till. Everything else is plain forms, so the keyboard and a slow till work alike.
(function () {
  "use strict";
  function debounce(fn, ms) { let t; return function () { clearTimeout(t); const a = arguments; t = setTimeout(() => fn.apply(null, a), ms); }; }

  document.addEventListener("DOMContentLoaded", function () {
    const search = document.getElementById("client-search");
    if (search) {
      const results = document.getElementById(search.dataset.results);
      let latest = 0;
      search.addEventListener("input", debounce(function () {
        const ticket = ++latest;
        fetch(search.dataset.searchUrl + "?q=" + encodeURIComponent(search.value), { credentials: "same-origin" })
          .then(r => r.text()).then(html => { if (ticket === latest) results.innerHTML = html; });
      }, 150));
    }
    const filter = document.getElementById("catalogue-filter");
    if (filter) {
      filter.addEventListener("input", function () {
        const needle = filter.value.trim().toLowerCase();
        document.querySelectorAll(".tile-form").forEach(form => {
          form.hidden = needle && !form.dataset.name.includes(needle);
        });
      });
    }
    const state = document.getElementById("display-state");
    if (state) {
      let shown = "";
      const poll = function () {
        fetch(state.dataset.poll, { credentials: "same-origin" }).then(r => r.ok ? r.text() : shown)
          .then(html => { if (html !== shown) { state.innerHTML = html; shown = html; } })
          .catch(() => {}).finally(() => setTimeout(poll, 500));
      };
      poll();
    }
  });
})();
