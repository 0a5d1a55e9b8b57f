// The live page refreshes itself: every few seconds it fetches /live/data.json and puts the figures
// in place. Text from the records goes in with textContent only (never as HTML).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("live-config").textContent);
  var texts = config.texts;
  var lastOk = null;

  function fill(template, facts) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in facts ? facts[k] : m; });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(d) { return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()); }
  function ago(iso) {
    if (!iso) { return texts.live_never; }
    var at = new Date(iso);
    if (isNaN(at.getTime())) { return iso; }
    var minutes = Math.floor((Date.now() - at.getTime()) / 60000);
    var when = clock(at);
    if (minutes < 1) { return when + " (" + texts.live_just_now + ")"; }
    return when + " (" + fill(texts.live_minutes_ago, {minutes: minutes}) + ")";
  }
  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  }
  function setFigures(section, figures) {
    var nums = section.querySelectorAll("[data-figure]");
    for (var i = 0; i < nums.length; i++) {
      var key = nums[i].getAttribute("data-figure");
      if (key in figures) {
        var text = String(figures[key]);
        if (nums[i].textContent !== text) {
          nums[i].textContent = text;
          nums[i].classList.add("changed");
        }
      }
    }
    var conflicts = section.querySelector(".fig-open_conflicts");
    if (conflicts) { conflicts.classList.toggle("alert", figures.open_conflicts > 0); }
  }
  function setLaptops(section, laptops) {
    var body = section.querySelector("[data-laptops]");
    if (!body) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    laptops.forEach(function (l) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-origin", l.origin);
      cell(tr, l.origin);
      cell(tr, String(l.events), "n");
      cell(tr, ago(l.last_push_at)).setAttribute("data-at", l.last_push_at || "");
      body.appendChild(tr);
    });
  }
  function setConflicts(section, conflicts) {
    var box = section.querySelector(".conflicts");
    var body = section.querySelector("[data-conflicts]");
    if (!box || !body || !conflicts) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    conflicts.forEach(function (c) {
      var tr = document.createElement("tr");
      cell(tr, clock(new Date(c.at)));
      cell(tr, c.queue_no || "");
      cell(tr, c.message[config.lang] || c.code);
      cell(tr, c.origin || "");
      body.appendChild(tr);
    });
    box.hidden = conflicts.length === 0;
  }
  function sections() {
    var out = {};
    var all = document.querySelectorAll("section[data-site]");
    for (var i = 0; i < all.length; i++) { out[all[i].getAttribute("data-site")] = all[i]; }
    return out;
  }
  function show(data) {
    var shown = sections();
    var names = data.sites.map(function (s) { return s.site; });
    if (names.length !== Object.keys(shown).length || names.some(function (n) { return !(n in shown); })) {
      window.location.reload();  // a site came or went: the server lays the page out again
      return;
    }
    data.sites.forEach(function (s) {
      var section = shown[s.site];
      setFigures(section, s.figures);
      setLaptops(section, s.laptops);
      setConflicts(section, s.conflicts);
    });
    var total = document.querySelector("section[data-total]");
    if (total && data.total) { setFigures(total, data.total); }
  }
  function status(ok) {
    var el = document.getElementById("updated");
    var at = lastOk ? clock(lastOk) : "--:--:--";
    el.textContent = fill(ok ? texts.live_updated : texts.live_offline, {time: at});
    el.classList.toggle("stale", !ok);
  }
  function refresh() {
    fetch("/live/data.json?" + config.query, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) {
        if (r.status === 401) { window.location.reload(); throw new Error("logged out"); }
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (data) {
        lastOk = new Date();
        show(data);
        status(true);
      })
      .catch(function () { status(false); })
      .then(function () { window.setTimeout(refresh, config.refresh * 1000); });
  }
  lastOk = new Date();
  var laptops = document.querySelectorAll("td[data-at]");
  for (var i = 0; i < laptops.length; i++) {
    var iso = laptops[i].getAttribute("data-at");
    if (laptops[i].parentNode.hasAttribute("data-origin")) { laptops[i].textContent = ago(iso); }
  }
  document.body.setAttribute("data-live", "ready");
  window.setTimeout(refresh, config.refresh * 1000);
})();
