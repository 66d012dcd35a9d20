// Supervisor home: caseload by status and progress to agreed levels (data from json_script blocks).
(() => {
  const data = JSON.parse(document.getElementById("home-chart").textContent);
  const labels = data.labels;
  const keys = ["with_plan", "without_plan", "closed", "merged"];
  new Chart(document.getElementById("status-chart"), {
    type: "doughnut",
    data: {labels: keys.map((k) => labels[k]),
           datasets: [{data: keys.map((k) => data.status[k]), backgroundColor: ["#1e7d32", "#b3261e", "#5b6b75", "#0b6e75"]}]},
    options: {animation: false, maintainAspectRatio: false, plugins: {legend: {position: "bottom"}}},
  });
  new Chart(document.getElementById("progress-chart"), {
    type: "bar",
    data: {labels: data.progress.map((r) => r.code),
           datasets: [{label: labels.percent, data: data.progress.map((r) => r.percent),
                       backgroundColor: data.progress.map((r) => (r.percent >= data.share ? "#1e7d32" : "#b3261e"))},
                      {label: labels.expected, type: "line", data: data.progress.map(() => data.share),
                       borderColor: "#9a6700", pointRadius: 0}]},
    options: {animation: false, maintainAspectRatio: false, scales: {y: {beginAtZero: true, ticks: {callback: (v) => v + "%"}}}},
  });
})();
