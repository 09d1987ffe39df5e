// paqet status dashboard: polls /status every second and keeps 5 minutes of samples in memory.
"use strict";

const WINDOW_MS = 5 * 60 * 1000;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];
const samples = []; // {time, sent, received, rtt: {sessionKey: ms}}
const counterSamples = []; // {time, values: Map}
let previous = null;

function human(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(1)) + " " + units[i];
}

function age(seconds) {
  if (seconds < 120) return seconds + " s";
  if (seconds < 7200) return Math.floor(seconds / 60) + " min";
  return Math.floor(seconds / 3600) + " h";
}

function counterKey(c) {
  const labels = Object.keys(c.labels).sort().map(k => k + "=" + c.labels[k]).join(",");
  return labels ? c.name + "{" + labels + "}" : c.name;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
}

function fillTable(id, rows) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren();
  for (const values of rows) {
    const tr = document.createElement("tr");
    values.forEach(v => cell(tr, v));
    body.appendChild(tr);
  }
}

function record(report) {
  const c = report.carrier;
  const sample = { time: report.time, rtt: {} };
  if (previous) {
    const dt = Math.max(1, report.time - previous.time) / 1000;
    sample.sent = Math.max(0, c.bytesSent - previous.carrier.bytesSent) / dt;
    sample.received = Math.max(0, c.bytesReceived - previous.carrier.bytesReceived) / dt;
  }
  for (const s of report.sessions) sample.rtt[s.peer + " #" + s.conv] = s.rttMs;
  samples.push(sample);
  const values = new Map(report.counters.map(x => [counterKey(x), x.value]));
  counterSamples.push({ time: report.time, values });
  while (samples.length && samples[0].time < report.time - WINDOW_MS) samples.shift();
  while (counterSamples.length && counterSamples[0].time < report.time - 5000) counterSamples.shift();
  previous = report;
}

function draw(canvas, series, now, format) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 4, axis = 60;
  ctx.clearRect(0, 0, w, h);
  let max = 0;
  for (const s of series) for (const p of s.points) max = Math.max(max, p.value);
  max = max > 0 ? max * 1.1 : 1;
  ctx.fillStyle = "#666";
  ctx.font = "12px sans-serif";
  ctx.fillText(format(max), pad, 12);
  ctx.fillText(format(0), pad, h - pad);
  ctx.strokeStyle = "#eee";
  ctx.beginPath();
  ctx.moveTo(axis, pad); ctx.lineTo(axis, h - pad); ctx.lineTo(w - pad, h - pad);
  ctx.stroke();
  const x = t => axis + (w - axis - pad) * (1 - (now - t) / WINDOW_MS);
  const y = v => h - pad - (h - 2 * pad) * v / max;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach((p, i) => i === 0 ? ctx.moveTo(x(p.time), y(p.value)) : ctx.lineTo(x(p.time), y(p.value)));
    ctx.stroke();
  }
}

function render(report) {
  document.getElementById("role").textContent = report.role + (report.mode === "kcptun" ? " (kcptun mode)" : "")
    + " " + report.version;
  const c = report.carrier;
  document.getElementById("summary").textContent = c.description + ", firewall " + c.firewall + ", up "
    + age(report.uptimeSeconds) + ", " + report.sessions.length + " session(s), sent " + human(c.bytesSent)
    + ", received " + human(c.bytesReceived);
  fillTable("sessions", report.sessions.map(s => [s.peer, s.conv, age(s.ageSeconds), s.rttMs + " ms", s.cwnd,
    s.sendWindowUsed + "/" + s.sendWindow, human(s.bytesSent), human(s.bytesReceived), s.retransmits,
    s.openStreams]));
  fillTable("limits", report.limits.map(l => [l.name, l.inUse, l.max]));
  const oldest = counterSamples[0].values;
  const moved = report.counters.filter(x => x.value > 0).map(x => {
    const key = counterKey(x);
    return [key, x.value, "+" + (x.value - (oldest.get(key) || 0))];
  });
  fillTable("counters", moved);
  const now = report.time;
  const rates = samples.filter(p => p.sent !== undefined);
  draw(document.getElementById("throughput"), [
    { color: COLORS[0], points: rates.map(p => ({ time: p.time, value: p.sent })) },
    { color: COLORS[1], points: rates.map(p => ({ time: p.time, value: p.received })) },
  ], now, v => human(v) + "/s");
  const keys = [...new Set(samples.flatMap(p => Object.keys(p.rtt)))];
  draw(document.getElementById("rtt"), keys.map((k, i) => ({
    color: COLORS[i % COLORS.length],
    points: samples.filter(p => k in p.rtt).map(p => ({ time: p.time, value: p.rtt[k] })),
  })), now, v => Math.round(v) + " ms");
}

// With status.token set, /status needs "Authorization: Bearer <token>". The token comes in the
// URL fragment (/#token=...), which the browser never sends to the server or writes to its logs;
// it is kept for this tab only and removed from the address bar at once.
function statusToken() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem("paqet-status-token", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem("paqet-status-token");
}

const token = statusToken();

async function poll() {
  const error = document.getElementById("error");
  try {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    const response = await fetch("status", { cache: "no-store", headers });
    if (response.status === 401) {
      throw new Error("this endpoint needs its token: open the page as /#token=YOUR_TOKEN");
    }
    if (!response.ok) throw new Error("/status answered " + response.status);
    const report = await response.json();
    record(report);
    render(report);
    error.hidden = true;
  } catch (e) {
    error.textContent = "cannot read /status: " + e.message;
    error.hidden = false;
  }
  setTimeout(poll, 1000);
}

poll();
