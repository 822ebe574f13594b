// PST tree: unfold or fold every objective at once; filters apply as soon as a select changes.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-pst-toggle]");
  if (!button) return;
  const open = button.dataset.pstToggle === "open";
  document.querySelectorAll("#pst-tree details").forEach((details) => {
    details.open = open;
  });
});
document.addEventListener("change", (event) => {
  if (event.target.matches("select.pst-autosubmit")) event.target.form.requestSubmit();
});
// Import preview: one checkbox ticks or clears every « ne pas reporter » box of the flagged codes.
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-pst-check-all]");
  if (!all) return;
  document.querySelectorAll(`input[name="${all.dataset.pstCheckAll}"][form="${all.getAttribute("form")}"]`).forEach((box) => {
    box.checked = all.checked;
  });
});
