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
