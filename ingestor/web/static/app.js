// Keyboard helpers for /review and /tasks; every action also works without JavaScript.
"use strict";
(function () {
  document.documentElement.classList.add("has-js");
  const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  const items = () => Array.from(document.querySelectorAll("[data-item]"));
  let current = -1;

  function focusItem(i) {
    const all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, i));
    all.forEach((el, n) => el.classList.toggle("current", n === current));
    all[current].focus();
    all[current].scrollIntoView({ block: "nearest" });
  }

  function within(selector) {
    const all = items();
    const el = all[current];
    return el ? el.querySelector(selector) : null;
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    if (ev.key === "/") {
      const box = document.getElementById("q") || document.getElementById("top-q");
      if (box) { ev.preventDefault(); box.focus(); box.select(); }
      return;
    }
    const active = items().indexOf(document.activeElement);
    if (active >= 0) current = active;
    if (ev.key === "j") { ev.preventDefault(); focusItem(current + 1); }
    else if (ev.key === "k") { ev.preventDefault(); focusItem(current - 1); }
    else if (ev.key === "a") { const b = within("[data-accept]"); if (b) { ev.preventDefault(); b.click(); } }
    else if (ev.key === "x") { const b = within("[data-reject]"); if (b) { ev.preventDefault(); b.click(); } }
    else if (ev.key === "u") { const b = document.querySelector("[data-undo]"); if (b) { ev.preventDefault(); b.click(); } }
    else if (ev.key === "d") { const b = within("[data-done]"); if (b) { ev.preventDefault(); b.click(); } }
    else if (ev.key === "s") { const b = within("[data-snooze]"); if (b) { ev.preventDefault(); b.click(); } }
    else if (ev.key === "e") {
      const d = within("[data-edit]");
      if (d) { ev.preventDefault(); d.open = true; const f = d.querySelector("input"); if (f) f.focus(); }
    } else if (ev.key === " " && current >= 0 && document.activeElement === items()[current]) {
      const c = within("input[type=checkbox]");
      if (c) { ev.preventDefault(); c.checked = !c.checked; }
    } else if (ev.key === "Enter" && document.activeElement === items()[current]) {
      const link = within("a");
      if (link && !within("[data-accept]")) { ev.preventDefault(); link.click(); }
    }
  });

  const all = document.querySelector("[data-select-all]");
  if (all) {
    all.addEventListener("click", () => {
      const boxes = Array.from(document.querySelectorAll("input[name=ids]"));
      const on = boxes.some((b) => !b.checked);
      boxes.forEach((b) => { b.checked = on; });
    });
  }
  const tz = document.getElementById("tz-auto");
  if (tz && window.fetch && window.Intl) {
    // No time zone yet: offer the browser's, once; the server keeps it only while none is set.
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      tz.elements.time_zone.value = zone;
      fetch(tz.action, { method: "POST", body: new URLSearchParams(new FormData(tz)), credentials: "same-origin" });
    }
  }
  if (["/review", "/tasks"].includes(location.pathname) && items().length) {
    // After a decision the page comes back at #item-N, the item after the one decided.
    const wanted = location.hash.startsWith("#item-") ? location.hash.slice(6) : null;
    const at = items().findIndex((el) => el.dataset.item === wanted);
    focusItem(at >= 0 ? at : 0);
  }
})();
