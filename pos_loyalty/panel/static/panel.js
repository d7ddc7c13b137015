// The panel's only script: find a client as you type, filter the catalogue, keep the keyboard where the
// next step is, and let the client display follow the till. Everything else is plain forms, so the
// keyboard and a slow till work alike.
(function () {
  "use strict";
  function debounce(fn, ms) { let t; return function () { clearTimeout(t); const a = arguments; t = setTimeout(() => fn.apply(null, a), ms); }; }

  // Keyboard or touch? After a keyboard action the next page puts the focus on its next step
  // (data-autofocus); after a tap it does not, so a tablet's on-screen keyboard does not pop up.
  let modality = "pointer";
  document.addEventListener("keydown", function () { modality = "keyboard"; }, true);
  document.addEventListener("pointerdown", function () { modality = "pointer"; }, true);
  document.addEventListener("submit", function () {
    try { sessionStorage.setItem("panel-modality", modality); } catch (e) { /* private mode: no memory */ }
  }, true);
  function lastModality() {
    try { return sessionStorage.getItem("panel-modality"); } catch (e) { return null; }
  }

  // The client search: set up on the page and again each time htmx redraws the client card.
  function setupClientSearch() {
    const search = document.getElementById("client-search");
    if (!search || search.dataset.ready) return;
    search.dataset.ready = "1";
    {
      const results = document.getElementById(search.dataset.results);
      let latest = 0;
      const find = function () {
        const ticket = ++latest, query = search.value;
        fetch(search.dataset.searchUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(r => r.text()).then(html => {
            if (ticket === latest) {
              results.innerHTML = html;
              results.dataset.query = query;
              if (window.htmx) window.htmx.process(results);  // a tap on a client attaches them in place
            }
          });
      };
      search.addEventListener("input", debounce(find, 150));
      if (search.value.trim()) find();  // typed before this script ran (a slow till) or restored by the browser
      search.addEventListener("keydown", function (event) {
        const found = results.querySelectorAll("button.result");
        const current = results.dataset.query === search.value;
        if (event.key === "ArrowDown" && current && found.length) {
          event.preventDefault();
          found[0].focus();
        } else if (event.key === "Enter" && current && found.length === 1) {
          event.preventDefault();  // one client found: Enter picks them
          found[0].form.requestSubmit();
        }
      });
      results.addEventListener("keydown", function (event) {
        if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
        const found = Array.from(results.querySelectorAll("button.result"));
        const at = found.indexOf(document.activeElement);
        if (at < 0) return;
        event.preventDefault();
        if (event.key === "ArrowUp" && at === 0) search.focus();
        else found[Math.min(found.length - 1, event.key === "ArrowDown" ? at + 1 : at - 1)].focus();
      });
    }
  }

  // The till with htmx: a step redraws the ticket and the client card; the keyboard goes where the server
  // says the next step is (the ticket's data-focus), the amount due is selected, and a redirect that is
  // not a till answer (the session expired: the login page) loads as a whole page.
  function setupTill() {
    // The till's only: another page's htmx answers (the loyalty ranking's table) swap as they come.
    if (!window.htmx || !document.body.classList.contains("till") || document.body.dataset.tillReady) return;
    document.body.dataset.tillReady = "1";
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      const xhr = event.detail.xhr;
      if (event.detail.shouldSwap && xhr && !/id="ticket"/.test(xhr.responseText || "")) {
        event.detail.shouldSwap = false;
        window.location.assign(xhr.responseURL || window.location.href);
      }
    });
    document.body.addEventListener("htmx:afterSwap", function () {  // at once: a key pressed since stays where it went
      setupClientSearch();
      const amount = document.getElementById("amount");
      if (amount && !amount.dataset.ready) {
        amount.dataset.ready = "1";
        amount.addEventListener("focus", function () { amount.select(); });  // typing replaces the amount due
      }
      const ticket = document.getElementById("ticket");
      const always = document.querySelector("#ticket [data-autofocus=always], #client-card [data-autofocus=always]");
      const next = always || (ticket && ticket.dataset.focus && document.getElementById(ticket.dataset.focus));
      if (next && (always || modality === "keyboard") && document.activeElement !== next) next.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const pad = document.querySelector(".pin-pad");
    const pin = document.getElementById("pin");
    if (pad && pin) {  // the touch till's keypad: digits into the PIN field, which stays the one truth
      pad.hidden = false;
      pad.addEventListener("click", function (event) {
        const key = event.target.closest("button[data-key]");
        if (!key) return;
        const value = key.dataset.key;
        if (value === "clear") pin.value = "";
        else if (value === "back") pin.value = pin.value.slice(0, -1);
        else if (pin.value.length < 8) pin.value += value;
      });
    }
    const target = document.querySelector("[data-autofocus]");
    if (target && (target.dataset.autofocus === "always" || lastModality() === "keyboard")) {
      target.focus();
    }
    const amount = document.getElementById("amount");
    if (amount) {
      amount.dataset.ready = "1";
      amount.addEventListener("focus", function () { amount.select(); });  // typing replaces the amount due
      if (document.activeElement === amount) amount.select();
    }

    setupClientSearch();
    setupTill();

    const filter = document.getElementById("catalogue-filter");
    if (filter) {
      const shown = () => Array.from(document.querySelectorAll(".tile-form")).filter(form => !form.hidden);
      const narrow = function () {
        const needle = filter.value.trim().toLowerCase();
        document.querySelectorAll(".tile-form").forEach(form => {
          form.hidden = needle && !form.dataset.name.includes(needle);
        });
        document.querySelectorAll(".tiles").forEach(tiles => {
          const heading = tiles.previousElementSibling;
          if (heading) heading.hidden = !tiles.querySelector(".tile-form:not([hidden])");
        });
      };
      filter.addEventListener("input", narrow);
      if (filter.value.trim()) narrow();
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && filter.value.trim()) {
          const forms = shown();
          event.preventDefault();
          if (forms.length === 1) forms[0].requestSubmit();  // one service or product left: Enter adds it
          else if (forms.length) forms[0].querySelector("button").focus();
        } else if (event.key === "Escape" && filter.value) {
          filter.value = "";
          filter.dispatchEvent(new Event("input"));
        }
      });
    }

    const state = document.getElementById("display-state");
    // The display follows the till within a second: a poll every 250 ms after the last answer, the state
    // swapped only when it changed (worst case: the pause, plus one answer rendered while the till changed).
    const DISPLAY_POLL_MS = 250;
    if (state) {
      let shown = "";
      const poll = function () {
        // 403: a paired display whose pairing was replaced or removed says so, rather than freeze on a sale.
        fetch(state.dataset.poll, { credentials: "same-origin" }).then(r => r.ok || r.status === 403 ? r.text() : shown)
          .then(html => { if (html !== shown) { state.innerHTML = html; shown = html; } })
          .catch(() => {}).finally(() => setTimeout(poll, DISPLAY_POLL_MS));
      };
      poll();
    }
  });
})();
