// Questionnaire builder: drag a question by its handle to reorder it within its section.
// The arrow buttons do the same without a mouse; after a drop the server re-renders the builder.
(function () {
  function init() {
    document.querySelectorAll("[data-sortable-url]").forEach((list) => {
      if (list.dataset.sortableReady) return;
      list.dataset.sortableReady = "1";
      Sortable.create(list, {
        handle: ".drag-handle",
        draggable: "[data-question-id]",
        animation: 150,
        forceFallback: true, // mouse events rather than native drag and drop: steadier across browsers
        onEnd: (event) => {
          if (event.oldIndex === event.newIndex) return;
          const order = Array.from(list.querySelectorAll("[data-question-id]")).map((item) => item.dataset.questionId);
          htmx.ajax("POST", list.dataset.sortableUrl, {
            source: list,
            target: "#builder",
            swap: "outerHTML",
            values: { order: order.join(",") },
          });
        },
      });
    });
  }
  init();
  document.body.addEventListener("htmx:afterSettle", init);
})();

// Question editor: show only the fields the chosen type uses (data-for-types on their wrapper).
(function () {
  const form = document.querySelector("[data-question-form]");
  if (!form) return;
  const type = form.querySelector("[name=type]");
  const update = () => {
    form.querySelectorAll("[data-for-types]").forEach((wrapper) => {
      wrapper.hidden = !wrapper.dataset.forTypes.split(" ").includes(type.value);
    });
  };
  type.addEventListener("change", update);
  update();
})();
