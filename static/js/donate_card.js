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
    // A declined or failed 3-D Secure leaves the intent waiting for another card.
    const intent = result.paymentIntent;
    const failure =
      result.error ||
      (intent && intent.status === "requires_payment_method" && intent.last_payment_error);
    if (failure) {
      errors.textContent = failure.message || form.dataset.failedText;
      button.disabled = false;
      return;
    }
    window.location.assign(form.dataset.returnUrl);
  });
})();
