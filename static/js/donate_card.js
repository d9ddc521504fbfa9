// Card form: Stripe.js on our page confirms the PaymentIntent; the webhook records the money.
(function () {
  "use strict";
  const form = document.getElementById("card-payment");
  if (!form || typeof Stripe === "undefined") return;
  const stripe = Stripe(form.dataset.publishableKey);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const errors = document.getElementById("card-errors");
  const button = document.getElementById("card-submit");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    const result = await stripe.confirmCardPayment(form.dataset.clientSecret, {
      payment_method: { card: card },
    });
    if (result.error) {
      errors.textContent = result.error.message || String(result.error);
      button.disabled = false;
      return;
    }
    window.location.assign(form.dataset.returnUrl);
  });
})();
