// Quarterly cumulative progress: each standard as % of its agreed level, with the pro-rata line.
(function () {
  const el = document.getElementById("chart-data");
  const canvas = document.getElementById("quarters");
  if (!el || !canvas || !window.Chart) return;
  const data = JSON.parse(el.textContent);
  // One distinct colour per standard (a colour-blind-safe palette), so each line can be told apart.
  const palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#117733"];
  const datasets = Object.entries(data.series).map(([code, values], i) => ({
    label: code,
    data: values.map((v) => (data.agreed[code] ? Math.round((1000 * v) / data.agreed[code]) / 10 : null)),
    borderColor: palette[i % palette.length],
    backgroundColor: palette[i % palette.length],
  }));
  datasets.push({ label: "pro-rata", data: data.share.map((s) => Math.round(s * 1000) / 10), borderDash: [6, 4], borderColor: "#888" });
  new Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets },
    options: { scales: { y: { beginAtZero: true, ticks: { callback: (v) => v + "%" } } } },
  });
})();
