// Waits for the webhook to record the payment, then reloads the page to show it.
(function () {
  "use strict";
  const node = document.getElementById("payment-status");
  if (!node) return;
  let tries = 0;
  const timer = window.setInterval(async function () {
    tries += 1;
    const response = await fetch(node.dataset.statusUrl, { headers: { Accept: "application/json" } });
    const body = await response.json();
    if (body.status !== "pending" || tries > 60) {
      window.clearInterval(timer);
      if (body.status !== "pending") window.location.reload();
    }
  }, 2000);
})();
