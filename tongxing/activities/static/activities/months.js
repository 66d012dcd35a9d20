// Activities per month on the activity list: a bar per month of the filtered records.
(function () {
  const el = document.getElementById("months-data");
  const canvas = document.getElementById("per-month");
  if (!el || !canvas || !window.Chart) return;
  const months = JSON.parse(el.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: months.map((m) => m.month),
      datasets: [{ label: canvas.getAttribute("aria-label"), data: months.map((m) => m.n), backgroundColor: "#0b6e75" }],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();
