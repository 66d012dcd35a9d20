// One pie per outcome indicator: improved / no change / worse (or agree / disagree), as in seed 001.
(function () {
  var colours = ["#2E7D4F", "#9E9E9E", "#C0392B"];
  JSON.parse(document.getElementById("pies").textContent).forEach(function (pie) {
    var canvas = document.getElementById(pie.id);
    if (!canvas || typeof Chart === "undefined") return;
    new Chart(canvas, {
      type: "pie",
      data: { labels: pie.labels, datasets: [{ data: pie.counts,
        backgroundColor: pie.counts.length === 2 ? [colours[0], colours[2]] : colours }] },
      options: { animation: false, plugins: { legend: { position: "bottom", labels: { boxWidth: 10 } } } }
    });
  });
})();
