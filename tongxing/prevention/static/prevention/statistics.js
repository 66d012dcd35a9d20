// Registered cases: a pie by sex and a bar chart by age band (seed 004 圖一, 圖二); the unit picker.
(function () {
  const picker = document.querySelector("[data-unit-switch]");
  if (picker) picker.addEventListener("change", () => { location.href = picker.value + location.search; });
  const el = document.getElementById("prevention-chart");
  if (!el || !window.Chart) return;
  const data = JSON.parse(el.textContent);
  const sex = document.getElementById("chart-sex");
  const age = document.getElementById("chart-age");
  if (sex) {
    new Chart(sex, {
      type: "pie",
      data: { labels: data.sex.labels, datasets: [{ data: data.sex.counts, backgroundColor: ["#1F4E5F", "#C0392B", "#9E9E9E"] }] },
      options: { maintainAspectRatio: false, animation: false },
    });
  }
  if (age) {
    new Chart(age, {
      type: "bar",
      data: { labels: data.age.labels, datasets: [{ label: age.getAttribute("aria-label"), data: data.age.counts, backgroundColor: "#2E7D4F" }] },
      options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
  }
})();
