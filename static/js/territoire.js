// Territoire: small behaviours shared by every page. No inline script (CSP).
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const box = document.createElement("div");
  box.className = "alert alert-danger position-fixed bottom-0 end-0 m-3 shadow";
  box.setAttribute("role", "alert");
  // The texts come translated from the page (data-msg-* on <body>).
  box.textContent = status === 403 ? document.body.dataset.msgForbidden : document.body.dataset.msgFailed;
  document.body.appendChild(box);
  setTimeout(() => box.remove(), 8000);
});

// A button with data-copy="#input" copies that field's value (the public link) and says so.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  const done = () => {
    button.dataset.label = button.dataset.label || button.innerHTML;
    button.textContent = button.dataset.copied || "OK";
    setTimeout(() => { button.innerHTML = button.dataset.label; }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => { field.select(); });
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});

// A button with data-print prints the page (the A4 poster).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// A table wider than the screen scrolls inside its box: that box takes the keyboard focus, so that it can be
// scrolled without a mouse (WCAG 2.1.1). Only boxes that really scroll become a stop of the Tab key.
const focusScrollBoxes = () => {
  for (const box of document.querySelectorAll(".table-responsive, .overflow-x-auto")) {
    if (box.scrollWidth > box.clientWidth + 1) {
      if (!box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollFocus = "";
      }
    } else if ("scrollFocus" in box.dataset) {
      box.removeAttribute("tabindex");
      delete box.dataset.scrollFocus;
    }
  }
};
focusScrollBoxes();
window.addEventListener("load", focusScrollBoxes);
document.addEventListener("htmx:afterSettle", focusScrollBoxes);
let scrollBoxesFrame = 0;
window.addEventListener("resize", () => {
  cancelAnimationFrame(scrollBoxesFrame);
  scrollBoxesFrame = requestAnimationFrame(focusScrollBoxes);
});
