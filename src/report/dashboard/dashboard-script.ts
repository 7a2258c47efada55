/**
 * The live page's script: listens to /events (SSE, resumed by Last-Event-ID on reconnect) and
 * grows one Chart.js chart per panel. Plain ES2017 in a string: it runs in the browser. It marks
 * `<body data-points="N" data-last-second="S">` so tests can watch it grow, and on `end` turns
 * the report into a link that still works once pushbench has exited (a blob: URL).
 */
export const DASHBOARD_SCRIPT = String.raw`(function () {
  'use strict';
  var look = JSON.parse(document.getElementById('pushbench-look').textContent);
  var status = document.getElementById('status');
  var ended = document.getElementById('ended');
  var charts = {};
  var points = 0;
  var ERROR_PATTERN = /\.(errors|failed|dropped)\./;

  function chart(id, yTitle) {
    var canvas = document.getElementById(id);
    charts[id] = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
        elements: { point: { radius: 0 }, line: { borderWidth: 2 } },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'second of the run' }, ticks: { precision: 0 } },
          y: { beginAtZero: true, title: { display: true, text: yTitle } }
        },
        plugins: { legend: { position: 'bottom' } }
      }
    });
  }
  chart('rate', 'per second');
  chart('latency', 'ms');
  chart('errors', 'errors per second');
  chart('connections', 'open');

  function series(id, key) {
    var c = charts[id];
    for (var i = 0; i < c.data.datasets.length; i++) if (c.data.datasets[i].label === key) return c.data.datasets[i];
    var n = c.data.datasets.length;
    var colour = look.transports[key] || look.colours[n % look.colours.length];
    var dash = look.dashes[Math.floor(n / look.colours.length) % look.dashes.length];
    if (/ p50$/.test(key)) dash = [6, 3];
    var dataset = { label: key, data: [], borderColor: colour, backgroundColor: colour, borderDash: dash };
    c.data.datasets.push(dataset);
    return dataset;
  }

  function add(id, key, x, y) { series(id, key).data.push({ x: x, y: y }); }

  function onPoint(p) {
    var x = p.second;
    add('rate', p.label ? p.label + ' sent' : 'sent', x, p.sentPerSec);
    if (p.deliveredPerSec !== undefined) add('rate', (p.label || 'all') + ' delivered', x, p.deliveredPerSec);
    if (p.liveP99Us !== undefined) add('latency', (p.label || 'delivery') + ' p99', x, p.liveP99Us / 1000);
    Object.keys(p.p99Us).sort().forEach(function (metric) {
      if (p.p50Us[metric] !== undefined) add('latency', metric + ' p50', x, p.p50Us[metric] / 1000);
      add('latency', metric + ' p99', x, p.p99Us[metric] / 1000);
    });
    var errors = 0;
    Object.keys(p.counts).sort().forEach(function (name) {
      if (ERROR_PATTERN.test(name)) { add('errors', name, x, p.counts[name]); errors += p.counts[name]; }
    });
    charts.errors.data.datasets.forEach(function (d) { if (p.counts[d.label] === undefined) d.data.push({ x: x, y: 0 }); });
    add('connections', 'open connections', x, p.openConnections);
    add('connections', 'in flight', x, p.inFlight);
    if (p.serverConnections !== undefined) add('connections', 'server connections', x, p.serverConnections);
    points++;
    document.body.dataset.points = String(points);
    document.body.dataset.lastSecond = String(x);
    var p99 = p.liveP99Us !== undefined ? [(p.label || 'delivery') + ' ' + (p.liveP99Us / 1000).toFixed(2) + ' ms'] : Object.keys(p.p99Us).map(function (m) { return m + ' ' + (p.p99Us[m] / 1000).toFixed(2) + ' ms'; }).join(', ');
    status.textContent = 'second ' + x + (p.label ? ' (' + p.label + ')' : '') + ': ' + p.sentPerSec + ' sent/s, p99 ' + (p99 || '-') +
      ', ' + errors + ' errors, ' + p.openConnections + ' open connections';
    for (var id in charts) charts[id].update('none');
  }

  function onReset() {
    for (var id in charts) { charts[id].data.datasets = []; charts[id].update('none'); }
    points = 0;
    document.body.dataset.points = '0';
  }

  function onEnd(info) {
    source.close();
    document.body.dataset.ended = 'true';
    ended.hidden = false;
    var link = document.getElementById('report-link');
    document.getElementById('report-path').textContent = info.reportPath || '';
    if (!info.reportUrl) { link.removeAttribute('href'); link.textContent = 'no report was written'; return; }
    link.href = info.reportUrl;
    fetch(info.reportUrl).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.blob();
    }).then(function (blob) {
      link.href = URL.createObjectURL(new Blob([blob], { type: 'text/html' }));
    }).catch(function () { /* the plain link stays */ });
  }

  var source = new EventSource('/events');
  source.addEventListener('point', function (event) { onPoint(JSON.parse(event.data)); });
  source.addEventListener('reset', onReset);
  source.addEventListener('end', function (event) { onEnd(JSON.parse(event.data)); });
  source.onerror = function () { if (!document.body.dataset.ended) status.textContent = 'waiting for pushbench (reconnecting)...'; };
})();`;
