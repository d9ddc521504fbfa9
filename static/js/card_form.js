// The card gift form: suggested amounts fill the amount, and the company's match, the tax
// reduction estimate and the fees are shown as one types. Every figure comes from the terms
// the server embedded (#card-terms), computed by the same rules as the webhook's match; without
// script the form still works and the page states the terms in words.
(function () {
  "use strict";
  const form = document.getElementById("card-form");
  const data = document.getElementById("card-terms");
  if (!form || !data) return;
  const terms = JSON.parse(data.textContent);
  const lang = document.documentElement.lang || "fr";
  const money = new Intl.NumberFormat(lang, { style: "currency", currency: form.dataset.currency || "EUR" });
  const show = (cents) => money.format(cents / 100);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  const association = form.querySelector("[name=association]");
  const amount = form.querySelector("[name=amount]");
  const coverFees = form.querySelector("[name=cover_fees]");
  const radios = form.querySelectorAll("[name=suggested]");
  const matchLine = document.getElementById("match-preview");
  const taxLine = document.getElementById("tax-preview");
  const feeLine = document.getElementById("fee-preview");

  function amountCents() {
    const typed = (amount.value || "").replace(/[\s\u00a0]/g, "").replace(",", ".");
    if (typed !== "") {
      const value = Number(typed);
      return Number.isFinite(value) && value > 0 ? Math.round(value * 100) : 0;
    }
    const checked = form.querySelector("[name=suggested]:checked");
    return checked ? Number(checked.value) : 0;
  }

  function update() {
    const cents = amountCents();
    const chosen = terms.associations[association.value] || {};
    if (!cents) {
      matchLine.hidden = taxLine.hidden = feeLine.hidden = true;
      return;
    }
    const match = chosen.match;
    if (match) {
      const wanted = Math.floor((cents * match.num) / match.den);
      const given = Math.max(0, Math.min(wanted, match.left));
      let text = fill(matchLine.dataset.text, { gift: show(cents), total: show(cents + given), match: show(given) });
      if (match.campaign) text += " " + fill(matchLine.dataset.campaign, { campaign: match.campaign, ratio: match.num + ":" + match.den });
      if (given < wanted) text += " " + fill(matchLine.dataset.capped, { left: show(match.left) });
      matchLine.textContent = text;
    } else {
      matchLine.textContent = matchLine.dataset.none;
    }
    matchLine.hidden = false;
    const tax = chosen.tax;
    if (tax) {
      let reduction;
      if (tax.helping_rate) {
        const helped = Math.min(cents, tax.ceiling);
        reduction = Math.floor((helped * tax.helping_rate) / 100) + Math.floor(((cents - helped) * tax.rate) / 100);
      } else {
        reduction = Math.floor((cents * tax.rate) / 100);
      }
      taxLine.textContent = fill(taxLine.dataset.text, { reduction: show(reduction), cost: show(cents - reduction) });
    } else {
      taxLine.textContent = taxLine.dataset.none;
    }
    taxLine.hidden = false;
    if (coverFees && coverFees.checked) {
      const fee = Math.ceil((cents * terms.fee.bp) / 10000) + terms.fee.fixed;
      feeLine.textContent = fill(feeLine.dataset.text, { fee: show(fee), charged: show(cents + fee) });
      feeLine.hidden = false;
    } else {
      feeLine.hidden = true;
    }
  }

  radios.forEach((radio) => radio.addEventListener("change", function () {
    amount.value = "";
    update();
  }));
  [association, amount, coverFees].forEach((field) => field && field.addEventListener("input", update));
  association.addEventListener("change", update);
  if (coverFees) coverFees.addEventListener("change", update);
  update();
})();
