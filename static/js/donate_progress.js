// Follows a payroll run computed by a background task, then reloads to show the preview.
(function () {
  "use strict";
  const bar = document.getElementById("run-progress");
  if (!bar) return;
  const text = document.getElementById("run-progress-text");
  const timer = window.setInterval(async function () {
    const response = await fetch(bar.dataset.progressUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const body = await response.json();
    bar.max = body.total;
    bar.value = body.done;
    text.textContent = body.done + " / " + body.total;
    if (body.status !== "computing") {
      window.clearInterval(timer);
      window.location.reload();
    }
  }, 1500);
})();
