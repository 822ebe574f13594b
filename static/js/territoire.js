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
