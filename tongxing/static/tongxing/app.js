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

// Drafts of long text (issue 19): every text area of a form is copied to this browser's storage as it is typed,
// per signed-in user and form, so a note written over a long pause survives the idle sign-out and is put back
// when the user signs in again and returns to the form. A draft is removed once its form is saved (the next
// page says so), when the user signs out, and after a week.
(() => {
  const body = document.body;
  const user = body.dataset.user;
  if (!user) return;  // signed out (the login page): keep every draft for when the user is back
  const PREFIX = "tongxing-draft:";
  const KEEP_MS = 7 * 24 * 3600 * 1000;
  const store = window.localStorage;
  const pendingKey = `${PREFIX}${user}:pending`;
  const read = (key) => { try { return JSON.parse(store.getItem(key)); } catch { return null; } };
  const now = Date.now();
  for (let i = store.length - 1; i >= 0; i--) {
    const key = store.key(i);
    if (key && key.startsWith(PREFIX)) {
      const draft = read(key);
      if (!draft || !draft.at || now - draft.at > KEEP_MS) store.removeItem(key);
    }
  }
  // After a submit: a page reporting success means the drafts it carried are saved; back on the form's own page
  // (an error, or signing in again after the idle sign-out) they stay to be restored.
  const pending = read(pendingKey);
  if (pending) {
    if (document.querySelector(".messages .success")) {
      pending.keys.forEach((key) => store.removeItem(key));
      store.removeItem(pendingKey);
    } else if (pending.page === location.pathname) {
      store.removeItem(pendingKey);
    }
  }
  const keyOf = (form, field) => `${PREFIX}${user}:${location.pathname}:${form.getAttribute("action") || ""}:${field.name}`;
  const areas = document.querySelectorAll("form textarea[name]:not([data-no-draft])");
  areas.forEach((field) => {
    const form = field.form;
    if (!form || (form.method || "").toLowerCase() !== "post") return;
    const key = keyOf(form, field);
    const original = field.value;
    const draft = read(key);
    if (draft && draft.text && draft.text !== field.value) {
      field.value = draft.text;
      const note = document.createElement("p");
      note.className = "draft-note";
      note.setAttribute("role", "status");
      note.textContent = `${body.dataset.draftRestored} (${new Date(draft.at).toLocaleString()}) `;
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "link";
      discard.textContent = body.dataset.draftDiscard;
      discard.addEventListener("click", () => { field.value = original; store.removeItem(key); note.remove(); });
      note.appendChild(discard);
      field.insertAdjacentElement("afterend", note);
      const details = field.closest("details");
      if (details) details.open = true;
    }
    let timer;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (field.value.trim() && field.value !== original) store.setItem(key, JSON.stringify({ text: field.value, at: Date.now() }));
        else store.removeItem(key);
      }, 400);
    });
    form.addEventListener("submit", () => {
      clearTimeout(timer);
      if (field.value.trim() && field.value !== original) store.setItem(key, JSON.stringify({ text: field.value, at: Date.now() }));
      const waiting = read(pendingKey) || { keys: [], page: location.pathname };
      if (!waiting.keys.includes(key)) waiting.keys.push(key);
      waiting.page = location.pathname;
      store.setItem(pendingKey, JSON.stringify({ ...waiting, at: Date.now() }));
    });
  });
  // Signing out on purpose removes this user's drafts: the next person at this computer must not find them.
  document.querySelectorAll("form[data-sign-out]").forEach((form) => form.addEventListener("submit", () => {
    for (let i = store.length - 1; i >= 0; i--) {
      const key = store.key(i);
      if (key && key.startsWith(`${PREFIX}${user}:`)) store.removeItem(key);
    }
  }));
})();
