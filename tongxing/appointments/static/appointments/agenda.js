// The agenda's keyboard: ← → previous / next period, T today, D day view, W week view (not while typing).
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest("input, select, textarea, [contenteditable]")) return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const link = document.querySelector(`.agenda-nav a[data-key="${key}"]`);
  if (link) {
    event.preventDefault();
    window.location.assign(link.href);
  }
});
