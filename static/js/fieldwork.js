// Diagnostic fieldwork: ask before destructive actions. The question comes translated from the
// page (data-confirm on the button or its form). No inline script (CSP).
document.addEventListener("submit", (event) => {
  const question = event.submitter?.dataset.confirm || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
