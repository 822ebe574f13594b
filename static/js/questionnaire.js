// Filling a questionnaire: show-if conditions, "saving…" state and a clear message when autosave fails.
(function () {
  const form = document.querySelector(".questionnaire-form");
  if (!form) return;

  // A question with data-show-if="<choice id>" appears only while that choice is selected on this page.
  function applyConditions() {
    form.querySelectorAll("[data-show-if]").forEach((fieldset) => {
      const choice = form.querySelector(`input[value="${fieldset.dataset.showIf}"][id="c${fieldset.dataset.showIf}"]`);
      fieldset.hidden = !(choice && choice.checked);
    });
  }
  form.addEventListener("change", applyConditions);
  applyConditions();

  function statusOf(event) {
    const target = event.detail && event.detail.target;
    return target && target.classList && target.classList.contains("save-status") ? target : null;
  }

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const status = statusOf(event);
    if (status) status.innerHTML = `<span class="text-body-secondary">${form.dataset.msgSaving || "…"}</span>`;
  });

  // Too many saves from this connection (HTTP 429): show the server's message ("réessayez dans une
  // minute") in place of the generic failure; the answer stays in the field and goes with the next change.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (statusOf(event) && event.detail.xhr && event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function failed(event) {
    const status = statusOf(event);
    if (!status) return;
    status.innerHTML = "";
    const span = document.createElement("span");
    span.className = "text-danger";
    span.setAttribute("role", "alert");
    span.textContent = form.dataset.msgFailed;
    status.appendChild(span);
  }
  // One send per page: a second tap while the first is on its way does nothing. The buttons are disabled only
  // after the browser has put the clicked one's name and value ("go=submit") into the request.
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    setTimeout(() => {
      form.querySelectorAll('button[type="submit"]').forEach((button) => {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    }, 0);
  });
  // Back to this page from the browser's history: the buttons work again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    delete form.dataset.sending;
    form.querySelectorAll('button[type="submit"]').forEach((button) => {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });

  document.body.addEventListener("htmx:sendError", failed);
  document.body.addEventListener("htmx:responseError", failed);

  // A save lost on the way (no network, the server restarting: no answer or a 5xx) is sent again with the
  // question's current value after 2, 4, 8… seconds (at most 30), until it is stored. A refused save (4xx) is not:
  // the next change sends it. The server stores one answer per question, so a save sent twice is stored once.
  const retries = new WeakMap();
  function retryLater(event) {
    const question = event.detail.elt;
    const xhr = event.detail.xhr;
    if (!statusOf(event) || !question || (xhr && xhr.status >= 400 && xhr.status < 500)) return;
    const previous = retries.get(question) || { attempt: 0 };
    clearTimeout(previous.timer);
    const attempt = previous.attempt + 1;
    const timer = setTimeout(() => htmx.trigger(question, "change"), Math.min(30000, 1000 * 2 ** attempt));
    retries.set(question, { attempt, timer });
  }
  document.body.addEventListener("htmx:sendError", retryLater);
  document.body.addEventListener("htmx:responseError", retryLater);
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const pending = event.detail.successful && statusOf(event) && retries.get(event.detail.elt);
    if (pending) {
      clearTimeout(pending.timer);
      retries.delete(event.detail.elt);
    }
  });
})();
