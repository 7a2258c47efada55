/**
 * The trend page's script: one Chart.js line chart per `<canvas data-trend-chart="i">`, a point per
 * result in time order; a failed gate is a cross, a passed one a filled circle, no verdict a ring.
 * Clicking a point opens that result's report. Marks `<html data-rendered>` when done. Plain ES2017.
 */
export const TREND_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('pushbench-trend').textContent);
  var labels = data.points.map(function (point) { return point.startedAt.slice(5, 16).replace('T', ' '); });

  function withUnit(value, unit) {
    var text = Number(value).toLocaleString('en-US', { maximumFractionDigits: 3 });
    return unit ? text + ' ' + unit : text;
  }

  function pointStyles(colour) {
    return {
      style: data.points.map(function (point) { return point.verdict === 'fail' ? 'crossRot' : 'circle'; }),
      radius: data.points.map(function (point) { return point.verdict === 'fail' ? 7 : 4; }),
      fill: data.points.map(function (point) { return point.verdict === undefined || point.verdict === null ? '#ffffff' : colour; }),
    };
  }

  function config(spec) {
    return {
      type: 'line',
      data: {
        labels: labels,
        datasets: spec.series.map(function (series) {
          var look = pointStyles(series.colour);
          return {
            label: series.label,
            data: series.values,
            borderColor: series.colour,
            backgroundColor: look.fill,
            pointStyle: look.style,
            pointRadius: look.radius,
            pointBorderWidth: 2,
            pointHoverRadius: 8,
            borderWidth: 2,
            spanGaps: true,
          };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: { title: { display: true, text: 'run started (MM-DD hh:mm UTC), oldest first', font: { weight: '600' } } },
          y: { beginAtZero: true, title: { display: true, text: spec.yLabel, font: { weight: '600' } }, ticks: { precision: spec.yUnit === 'ms' || spec.yUnit === '%' ? undefined : 0 } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 14, boxHeight: 3 } },
          tooltip: {
            callbacks: {
              label: function (item) { return item.dataset.label + ': ' + withUnit(item.parsed.y, spec.yUnit); },
              footer: function (items) {
                var point = items.length > 0 ? data.points[items[0].dataIndex] : undefined;
                if (!point) return '';
                return (point.verdict ? 'gate: ' + point.verdict + ' · ' : '') + (point.valid ? 'valid' : 'INVALID') + ' · click to open the report';
              },
            },
          },
        },
        onClick: function (event, elements) {
          if (elements.length > 0) window.location.href = data.points[elements[0].index].href;
        },
      },
    };
  }

  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.color = '#3c4450';
  Chart.defaults.borderColor = '#e3e6ea';
  var canvases = document.querySelectorAll('canvas[data-trend-chart]');
  for (var index = 0; index < canvases.length; index++) {
    new Chart(canvases[index], config(data.charts[Number(canvases[index].getAttribute('data-trend-chart'))]));
  }
  document.documentElement.setAttribute('data-rendered', 'true');
})();
`;
