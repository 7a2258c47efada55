/**
 * The report's only own script: draws each `<canvas data-chart="section.chart">` from the embedded
 * JSON with the inlined Chart.js, then marks `<html data-rendered>` (with `data-render-ms`, the time
 * since navigation start) so tests can wait for it and measure. Plain ES2017 in a string: it runs in
 * the reader's browser, not in Node. It never writes HTML; the page's text is rendered server-side.
 */
export const REPORT_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('pushbench-data').textContent);

  function isPowerOfTen(value) {
    var exponent = Math.log10(value);
    return Math.abs(exponent - Math.round(exponent)) < 1e-9;
  }

  /** x = 1/(1-p): 1 -> "0%", 10 -> "90%", 1000 -> "99.9%". */
  function percentileText(x) {
    var percentile = 100 * (1 - 1 / x);
    var digits = Math.max(0, Math.ceil(Math.log10(x)) - 2);
    return Number(percentile.toFixed(Math.min(digits + 1, 6))).toString() + '%';
  }

  function withUnit(value, unit) {
    var text = Number(value).toLocaleString('en-US', { maximumFractionDigits: 3 });
    return unit ? text + ' ' + unit : text;
  }

  var MICROSECONDS = { 'µs': 1, ms: 1000, s: 1000000 };

  /** A latency tick in the unit that reads best: 100 µs, 1 ms, 10 s. */
  function latencyText(value, unit) {
    var us = value * (MICROSECONDS[unit] || 1);
    if (us < 1000) return withUnit(us, 'µs');
    if (us < 1000000) return withUnit(us / 1000, 'ms');
    return withUnit(us / 1000000, 's');
  }

  function axisTitle(text) {
    return { display: true, text: text, font: { weight: '600' } };
  }

  function percentileAxis() {
    return {
      type: 'logarithmic',
      min: 1,
      title: axisTitle('percentile (log scale of 1/(1−p))'),
      afterBuildTicks: function (scale) {
        scale.ticks = scale.ticks.filter(function (tick) { return isPowerOfTen(tick.value); });
      },
      ticks: { autoSkip: false, callback: function (value) { return percentileText(value); } },
    };
  }

  // A line with more points than its chart has pixel columns (a run longer than ~10 minutes) is drawn
  // 1 px wide: Chromium strokes 1 px lines on a fast path, and wider ones outline every segment
  // (a 1-hour chart of 3 lines: 160 ms to rasterize at 2 px, 30-45 ms at 1 px, measured).
  var DENSE_LINE_POINTS = 600;

  function lineConfig(spec) {
    var percentile = spec.xScale === 'percentile';
    // Events, connections and errors come in whole numbers: no 0.1 ticks on a flat line.
    var countAxis = spec.yUnit === '/s' || spec.yUnit === '';
    return {
      type: 'line',
      data: {
        datasets: spec.series.map(function (series) {
          return {
            label: series.label,
            data: series.points.map(function (point) { return { x: point[0], y: point[1] }; }),
            borderColor: series.colour,
            backgroundColor: series.colour,
            borderDash: series.dash || [],
            borderWidth: series.points.length > DENSE_LINE_POINTS ? 1 : 2,
            pointRadius: series.points.length === 1 ? 3 : 0,
            pointHoverRadius: 4,
            spanGaps: false,
          };
        }),
      },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: percentile ? percentileAxis() : { type: 'linear', min: 0, title: axisTitle(spec.xLabel), ticks: { precision: 0 } },
          y: spec.yLog
            ? { type: 'logarithmic', title: axisTitle('latency, log scale'), ticks: { callback: function (value) { return isPowerOfTen(value) ? latencyText(value, spec.yUnit) : ''; } } }
            : { type: 'linear', beginAtZero: true, title: axisTitle(spec.yLabel), ticks: { precision: countAxis ? 0 : undefined } },
        },
        plugins: {
          // A 1-hour run has 3,600 points a line on a ~550 px chart: Chromium spent most of the page's
          // load rasterizing them. min-max keeps, per pixel column, the first, lowest, highest and last
          // sample: the drawn line is the same, and every point drawn (and in a tooltip) is a sample.
          // It only acts on lines with more than 4 points a pixel; the data in the page stays whole.
          decimation: { enabled: !percentile, algorithm: 'min-max' },
          pushbenchBands: { bands: spec.bands || [] },
          legend: { position: 'bottom', labels: { boxWidth: 14, boxHeight: 3 } },
          tooltip: {
            callbacks: {
              title: function (items) {
                var x = items.length > 0 ? items[0].parsed.x : 0;
                return percentile ? 'p' + percentileText(x).replace('%', '') : 'second ' + x;
              },
              label: function (item) { return item.dataset.label + ': ' + withUnit(item.parsed.y, spec.yUnit); },
            },
          },
        },
      },
    };
  }

  function barConfig(spec) {
    return {
      type: 'bar',
      data: {
        labels: spec.categories,
        datasets: spec.series.map(function (series) {
          return { label: series.label, data: series.values, backgroundColor: series.colour, borderColor: series.colour };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: axisTitle(spec.yLabel) } },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 14 } },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ': ' + withUnit(item.parsed.y, spec.yUnit); } } },
        },
      },
    };
  }

  /** Shades each band (an outage window) behind the lines, with its label at the top. */
  var bandsPlugin = {
    id: 'pushbenchBands',
    beforeDatasetsDraw: function (chart, args, options) {
      var bands = options.bands || [];
      var area = chart.chartArea;
      var x = chart.scales.x;
      var ctx = chart.ctx;
      for (var i = 0; i < bands.length; i++) {
        var left = Math.max(area.left, x.getPixelForValue(bands[i].fromX));
        var right = Math.min(area.right, x.getPixelForValue(bands[i].toX));
        if (right <= left) continue;
        ctx.save();
        ctx.fillStyle = 'rgba(120, 120, 120, 0.18)';
        ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
        ctx.fillStyle = '#3c4450';
        ctx.font = '12px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.fillText(bands[i].label, (left + right) / 2, area.top + 14);
        ctx.restore();
      }
    },
  };

  function chartSpec(canvas) {
    var address = canvas.getAttribute('data-chart').split('.');
    return data.sections[Number(address[0])].charts[Number(address[1])];
  }

  Chart.register(bandsPlugin);
  // A printed report shows the folded sections too.
  window.addEventListener('beforeprint', function () {
    var folded = document.querySelectorAll('details');
    for (var i = 0; i < folded.length; i++) folded[i].open = true;
  });
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.color = '#3c4450';
  Chart.defaults.borderColor = '#e3e6ea';
  var canvases = document.querySelectorAll('canvas[data-chart]');
  for (var index = 0; index < canvases.length; index++) {
    var spec = chartSpec(canvases[index]);
    new Chart(canvases[index], spec.kind === 'bar' ? barConfig(spec) : lineConfig(spec));
  }
  document.documentElement.setAttribute('data-render-ms', String(Math.round(performance.now())));
  document.documentElement.setAttribute('data-rendered', 'true');
})();
`;
