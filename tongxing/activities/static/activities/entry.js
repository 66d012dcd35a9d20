// Person pickers on the entry forms and the attendance sheet (no inline handlers: the CSP forbids them).
document.addEventListener("click", (event) => {
  const remove = event.target.closest("[data-remove-chip]");
  if (remove) remove.closest(".chip").remove();
});
document.addEventListener("keydown", (event) => {
  // Enter in a person search looks people up; it must not submit the form around it.
  if (event.key === "Enter" && event.target.matches("input[data-person-search]")) event.preventDefault();
});
document.addEventListener("htmx:afterRequest", (event) => {
  const pick = event.detail.elt;
  if (!pick.matches || !pick.matches("button.pick")) return;
  const picker = pick.closest(".picker");
  pick.closest("ul").innerHTML = "";
  const search = picker && picker.querySelector("input[data-person-search]");
  if (search) { search.value = ""; search.focus(); }
});
