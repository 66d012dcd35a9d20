// Behaviour that would otherwise be inline handlers (the Content-Security-Policy allows no inline script).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]")) el.form.submit();
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-path-template]")) return;
  // Forms that choose a page by path (e.g. unit and year) rather than by query string.
  event.preventDefault();
  let path = form.dataset.pathTemplate;
  for (const field of form.elements) if (field.name) path = path.replace(`{${field.name}}`, encodeURIComponent(field.value));
  window.location.assign(path);
});
