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
// Consultants' themes control: the page holds it once (<template id="pst-tag-control">) with the tagging
// URL of any node (data-tag-url, « {node} » for its id), rather than 5 000 times in a large PST. Each row
// that shows badges (.pst-tags, id « pst-tags-<node> ») gets a copy named after the row's code or title;
// one listener opens the form of the control's node in its place (htmx), as the answers' controls do.
const tagTree = document.querySelector("#pst-tree[data-tag-url]");
if (tagTree) {
  const prototype = document.getElementById("pst-tag-control").content.firstElementChild;
  const label = prototype.getAttribute("aria-label");
  tagTree.querySelectorAll(".pst-tags").forEach((tags) => {
    // An action's row (<li>): its code, else its title's link. An objective (.pst-branch): its header's
    // code badge, else its title; its control goes beside the « Fiche » link, outside what collapses.
    const row = tags.closest("li, .pst-branch");
    const action = row.matches("li");
    const header = action ? row : row.querySelector(":scope > details > summary");
    const code = header.querySelector(".pst-code")?.textContent.trim();
    const name = code || header.querySelector(action ? ".pst-title > a" : ".pst-title").textContent.trim();
    const control = prototype.cloneNode(true);
    control.dataset.node = tags.id.replace("pst-tags-", "");
    control.setAttribute("aria-label", label.replace("%(node)s", name));
    if (action) row.append(control);
    else row.querySelector(":scope > .pst-row-tools").prepend(control);
  });
  tagTree.addEventListener("click", (event) => {
    const control = event.target.closest("button.pst-tagger[data-node]");
    if (!control) return;
    const url = tagTree.dataset.tagUrl.replace("{node}", control.dataset.node);
    htmx.ajax("GET", url, { source: control, target: control, swap: "outerHTML" });
  });
}
// Import preview: one checkbox ticks or clears every « ne pas reporter » box of the flagged codes.
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-pst-check-all]");
  if (!all) return;
  document.querySelectorAll(`input[name="${all.dataset.pstCheckAll}"][form="${all.getAttribute("form")}"]`).forEach((box) => {
    box.checked = all.checked;
  });
});
