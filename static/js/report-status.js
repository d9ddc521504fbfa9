// Polls an impact report's status and reloads the page once it is built (or failed).
(function () {
  "use strict";
  var root = document.querySelector("[data-report-status-url]");
  if (!root) { return; }
  var url = root.getAttribute("data-report-status-url");
  var bar = document.getElementById("report-progress");
  var label = document.getElementById("report-status-label");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (bar) { bar.value = data.progress; }
        if (label) { label.textContent = data.status_label; }
        if (data.done) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
