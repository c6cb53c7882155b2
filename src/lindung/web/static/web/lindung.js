// lindung: the only page script (the CSP allows no inline script). htmx does the rest.
document.addEventListener("htmx:afterSwap", function (event) {
  // After a fragment arrives, move keyboard focus to the part it marks with data-focus (a result, an alert).
  var target = event.detail.target.querySelector("[data-focus]");
  if (target) { target.setAttribute("tabindex", "-1"); target.focus({ preventScroll: true }); }
});
