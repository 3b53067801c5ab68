// glassnet playground: the page. It sends the run's spec and the player's commands over
// a WebSocket and draws the frames the server trains (see glassnet/playground/*.py).
// Everything from the server or from a CSV file is shown with textContent.

import {
  FEATURES, FEATURE_LABELS, clone, cleanSpec, defaultSpec, fromHash, toHash,
} from "./state.js";
import {
  CLASS_COLORS, decodeB64, featureMap, paintBlank, paintBoundary, paintDatasetIcon,
  paintPoints, paintSigned,
} from "./draw.js";
import { drawChart, layerColor, valueRange } from "./charts.js";
import { NetworkView } from "./network.js";

const $ = (id) => document.getElementById(id);

const DATASET_NAMES = {
  moons: "Moons", circles: "Circles", xor: "XOR", spiral: "Spiral", blobs: "Blobs",
  titanic: "Titanic", csv: "Upload",
};
const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const BATCH_SIZES = [1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 256, 500];
const ALPHAS = [0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const DROPOUTS = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const CLIPS = [null, 0.1, 0.5, 1, 2, 5, 10, 100];
const MOMENTA = [0, 0.5, 0.8, 0.9, 0.95, 0.99];
const SERVER_SPEED = 30; // a new run starts at this speed (runs.DEFAULT_SPEED)
const PING_MS = 30_000;
const CHART_MS = 120;

const app = {
  info: null,
  spec: defaultSpec(), // what the controls show; sent on every change
  ready: null, // the run's "ready" message
  editing: 0,
  showTest: true,
  lesson: null,
  lossLog: false,
  epoch: 0,
  playing: false,
  speed: SERVER_SPEED,
  restoreEpoch: 0,
  awaitingReady: false,
  upload: null, // {upload, name, rows, columns}
  ws: null,
  closed: false, // refused or dropped: the controls are off
  lanes: [], // LaneView
  dirty: false,
  chartsDrawn: 0,
  configureTimer: 0,
  stats: { renders: 0, ms: 0, frames: 0 }, // drawing cost, for the curious (window.playground)
};
window.playground = app;

// ------------------------------------------------------------------ small helpers

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatEpoch(n) {
  const s = String(Math.max(0, n | 0)).padStart(6, "0");
  return `${s.slice(0, -3)},${s.slice(-3)}`;
}

function formatLoss(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return v >= 100 ? v.toFixed(0) : v.toFixed(3);
}

function formatShare(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return `${(v * 100).toFixed(1)} %`;
}

function last(array) {
  return array.length ? array[array.length - 1] : null;
}

function optionLabel(value) {
  return value === null ? "off" : String(value);
}

function fillSelect(select, values, label = optionLabel) {
  select.replaceChildren();
  for (const v of values) {
    const option = el("option", "", label(v));
    option.value = v === null ? "" : String(v);
    select.append(option);
  }
}

/** Select a value, adding it as an option first if a link brought an unlisted one. */
function setSelect(select, value) {
  const text = value === null || value === undefined ? "" : String(value);
  if (![...select.options].some((o) => o.value === text)) {
    const option = el("option", "", text === "" ? "off" : text);
    option.value = text;
    select.append(option);
  }
  select.value = text;
}

let toastTimer = 0;
function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 2200);
}

function showMessage(text, action = null) {
  $("message-text").textContent = text;
  const old = $("message").querySelector(".message-action");
  if (old) old.remove();
  if (action) {
    const b = el("button", "btn btn-small message-action", action.label);
    b.type = "button";
    b.addEventListener("click", action.run);
    $("message-close").before(b);
  }
  $("message").hidden = false;
}

function hideMessage() {
  $("message").hidden = true;
}

// ------------------------------------------------------------------ the connection

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws`);
  app.ws = ws;
  ws.addEventListener("open", () => {
    app.closed = false;
    document.body.classList.remove("offline");
    configureNow();
  });
  ws.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (_) {
      return;
    }
    onMessage(message);
  });
  ws.addEventListener("close", () => {
    if (app.ws !== ws) return;
    app.playing = false;
    document.body.classList.add("offline");
    renderPlayer();
    if (!app.closed) {
      app.closed = true;
      showMessage("The connection to the playground server was lost (was it stopped?).", {
        label: "Reconnect",
        run: () => {
          hideMessage();
          app.restoreEpoch = app.epoch; // train the new run back to where this one was
          connect();
        },
      });
    }
  });
}

function send(message) {
  if (app.ws && app.ws.readyState === WebSocket.OPEN) {
    app.ws.send(JSON.stringify(message));
    return true;
  }
  return false;
}

function onMessage(m) {
  switch (m.type) {
    case "ready":
      onReady(m);
      break;
    case "frame":
      if (!app.awaitingReady) onFrame(m);
      break;
    case "state":
      app.playing = !!m.playing;
      app.speed = m.speed;
      setSelect($("speed"), m.speed === null ? "max" : m.speed);
      renderPlayer();
      break;
    case "error":
      showMessage(app.awaitingReady && app.ready
        ? `${m.message}\n(The page still shows the previous run: fix the setting to start a new one.)`
        : m.message);
      app.awaitingReady = false;
      app.restoreEpoch = 0;
      break;
    case "refused":
    case "dropped":
      app.closed = true;
      app.playing = false;
      document.body.classList.add("offline");
      renderPlayer();
      showMessage(m.message, { label: "Reload", run: () => location.reload() });
      break;
    default:
      break;
  }
}

// ------------------------------------------------------------------ configuring

/** A setting changed: start a new run (soon, so a burst of clicks makes one run). */
function reconfigure() {
  clearTimeout(app.configureTimer);
  app.awaitingReady = true; // frames of the old run no longer fit the controls
  app.restoreEpoch = 0; // a new setting: a new run from epoch 0
  app.configureTimer = setTimeout(configureNow, 120);
  renderControls();
  updateHash(true);
}

function configureNow() {
  clearTimeout(app.configureTimer);
  app.configureTimer = 0;
  const spec = cleanSpec(app.spec);
  if (spec.data.dataset === "csv" && !(spec.data.upload && spec.data.x1 && spec.data.x2 && spec.data.label)) {
    app.awaitingReady = false;
    showMessage("Upload a CSV file and pick its x₁, x₂ and label columns.");
    return;
  }
  if (send({ type: "configure", spec })) {
    app.awaitingReady = true;
    app.playing = false;
    const note = $("run-note");
    note.classList.remove("flash");
    void note.offsetWidth; // restart the animation
    note.classList.add("flash");
    renderPlayer();
  }
  updateHash(true);
}

function onReady(m) {
  app.awaitingReady = false;
  app.ready = m;
  app.epoch = 0;
  app.playing = false;
  if (!$("message").hidden && !$("message").querySelector(".message-action")) hideMessage();
  buildLanes(m.spec.lanes.length);
  const classes = m.data.classes;
  const featureMaps = m.features.map((_, i) => decodeB64(m.feature_maps.maps[i]));
  app.lanes.forEach((lane, i) => {
    lane.reset();
    lane.net.setStructure({
      net: m.spec.lanes[i],
      features: m.features,
      featureMaps,
      mapSize: m.feature_maps.size,
      classes,
    });
    lane.setData(m, i);
  });
  renderFeatureToggles();
  renderDataNotes(m.data.notes);
  if (app.speed !== SERVER_SPEED) send({ type: "speed", value: app.speed });
  if (app.restoreEpoch > 0) {
    send({ type: "run_to", value: app.restoreEpoch });
    toast(`Training to epoch ${app.restoreEpoch.toLocaleString("en-US")} to restore the link…`);
  }
  renderPlayer();
}

function onFrame(m) {
  app.stats.frames += 1;
  if (m.reset) app.lanes.forEach((lane) => lane.clearSeries());
  app.epoch = m.epoch;
  app.playing = !!m.playing;
  m.lanes.forEach((frame, i) => {
    if (app.lanes[i]) app.lanes[i].take(frame);
  });
  if (!m.playing) {
    if (app.restoreEpoch && (m.epoch >= app.restoreEpoch || m.lanes.every((l) => l.ended))) {
      if (m.epoch >= app.restoreEpoch) toast(`Restored epoch ${m.epoch.toLocaleString("en-US")}`);
      app.restoreEpoch = 0;
    }
    if (!app.restoreEpoch) updateHash(false);
  }
  schedule(!m.playing);
}

let frameRequested = false;
let chartTimer = 0;
let forceCharts = false;
function schedule(charts) {
  forceCharts = forceCharts || charts;
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    render();
  });
}

function render() {
  const started = performance.now();
  renderOnce();
  app.stats.renders += 1;
  app.stats.ms += performance.now() - started;
}

function renderOnce() {
  renderPlayer();
  const now = performance.now();
  const charts = forceCharts || now - app.chartsDrawn >= CHART_MS;
  for (const lane of app.lanes) lane.render();
  if (charts) {
    drawCharts();
    app.chartsDrawn = now;
    forceCharts = false;
  } else if (!chartTimer) {
    // The charts catch up in a moment (they are redrawn a few times a second at most).
    chartTimer = setTimeout(() => {
      chartTimer = 0;
      schedule(true);
    }, CHART_MS - (now - app.chartsDrawn));
  }
}

// ------------------------------------------------------------------ the URL

function updateHash(settingsChanged) {
  if (!app.info) return;
  const epoch = settingsChanged || app.playing ? 0 : app.epoch;
  const hash = toHash(cleanSpec(app.spec), { epoch, lesson: app.lesson, showTest: app.showTest });
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

// ------------------------------------------------------------------ the lanes

class LaneView {
  constructor(index) {
    this.index = index;
    const root = $("lane-template").content.firstElementChild.cloneNode(true);
    root.dataset.testid = index === 0 ? "lane-a" : "lane-b";
    root.classList.add(index === 0 ? "lane-a" : "lane-b");
    this.root = root;
    this.q = (sel) => root.querySelector(sel);
    root.querySelector(".lane-badge").textContent = index === 0 ? "A" : "B";
    this.net = new NetworkView(this.q(".lane-net"), {
      activations: hiddenActivations(),
      limits: app.info.limits,
      current: () => app.spec.lanes[this.index],
      onChange: (net) => {
        const keep = app.spec.lanes[this.index];
        app.spec.lanes[this.index] = { ...keep, hidden: net.hidden, activation: net.activation };
        this.net.reshape(app.spec.lanes[this.index]);
        reconfigure();
      },
    });
    this.boundary = this.q(".boundary-map");
    this.points = this.q(".boundary-points");
    this.stats = {
      trainLoss: this.q('[data-testid="train-loss"]'),
      testLoss: this.q('[data-testid="test-loss"]'),
      trainAcc: this.q('[data-testid="train-accuracy"]'),
      testAcc: this.q('[data-testid="test-accuracy"]'),
    };
    this.findings = this.q(".findings");
    this.cards = new Map();
    this.q(".loss-scale").addEventListener("click", () => {
      app.lossLog = !app.lossLog;
      for (const lane of app.lanes) lane.q(".loss-scale").textContent = app.lossLog ? "linear scale" : "log scale";
      drawCharts();
    });
    this.q(".loss-scale").textContent = app.lossLog ? "linear scale" : "log scale";
    this.resize = new ResizeObserver(() => this.paintPoints());
    this.resize.observe(this.q(".plot-area"));
    this.clearSeries();
    this.frame = null;
  }

  reset() {
    this.frame = null;
    this.pending = null;
    this.net.lastFrame = null;
    this.confusionKey = "";
    this.explanation = "";
    this.clearSeries();
    this.cards.clear();
    this.findings.replaceChildren();
  }

  clearSeries() {
    this.series = {
      epoch: [], train_loss: [], test_loss: [], train_accuracy: [], test_accuracy: [], grad: [], gradEpoch: [],
    };
  }

  setData(ready, i) {
    this.data = ready.data;
    this.classes = ready.data.classes;
    const spec = ready.spec.lanes[i];
    this.q(".lane-summary").textContent = summarize(spec);
    const notes = this.q(".lane-notes");
    notes.replaceChildren(...(ready.lanes[i].notes || []).map((n) => el("li", "", n)));
    paintBlank(this.boundary);
    const d = ready.data;
    const file = d.file !== null && d.file !== undefined;
    this.q(".x-name").textContent = file ? `${d.columns[0]} (standardised)` : d.columns[0];
    this.q(".y-name").textContent = file ? `${d.columns[1]} (standardised)` : d.columns[1];
    const ext = Number(d.extent);
    const tick = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
    this.q(".tick-xl").textContent = tick(-ext);
    this.q(".tick-xr").textContent = tick(ext);
    this.q(".tick-ybot").textContent = tick(-ext);
    this.q(".tick-ytop").textContent = tick(ext);
    const legend = this.q(".class-legend");
    legend.replaceChildren();
    d.classes.forEach((name, k) => {
      const item = el("span", "legend-item");
      const dot = el("span", "dot");
      dot.style.background = CLASS_COLORS[k % CLASS_COLORS.length];
      item.append(dot, el("span", "", `${d.label} = ${name}`));
      legend.append(item);
    });
    const train = el("span", "legend-item");
    train.append(el("span", "dot dot-train"), el("span", "", "training"));
    const test = el("span", "legend-item");
    test.append(el("span", "dot dot-test"), el("span", "", "test"));
    legend.append(train, test);
    this.buildConfusion();
    this.paintPoints();
    this.renderBanner(null);
    this.renderFindings([], 0);
  }

  paintPoints() {
    const area = this.q(".plot-area");
    const size = area.clientWidth;
    if (!size || !this.data) return;
    paintPoints(this.points, size, this.data, app.showTest);
  }

  /** Keep a frame's curve points now (none may be lost); draw at the next animation frame. */
  take(frame) {
    const s = this.series;
    const f = frame.series;
    for (let i = 0; i < f.epoch.length; i++) {
      s.epoch.push(f.epoch[i]);
      s.train_loss.push(f.train_loss[i]);
      s.test_loss.push(f.test_loss[i]);
      s.train_accuracy.push(f.train_accuracy[i]);
      s.test_accuracy.push(f.test_accuracy[i]);
    }
    if (f.grad_norm) {
      for (const row of f.grad_norm) {
        s.gradEpoch.push(s.gradEpoch.length + 1);
        row.forEach((v, l) => {
          if (!s.grad[l]) s.grad[l] = [];
          s.grad[l].push(v);
        });
      }
    }
    // Pictures: the newest frame wins; a diverged frame keeps the last picture.
    const previous = this.pending || this.frame;
    if (!frame.boundary && previous && previous.boundary && frame.epoch > 0) {
      frame = { ...frame, boundary: previous.boundary, units: previous.units, weights: previous.weights, biases: previous.biases, health: previous.health, confusion: previous.confusion };
    }
    this.pending = frame;
  }

  render() {
    const frame = this.pending;
    if (!frame) return;
    this.pending = null;
    this.frame = frame;
    const s = this.series;
    this.stats.trainLoss.textContent = formatLoss(last(s.train_loss));
    this.stats.testLoss.textContent = formatLoss(last(s.test_loss));
    this.stats.trainAcc.textContent = formatShare(last(s.train_accuracy));
    this.stats.testAcc.textContent = formatShare(last(s.test_accuracy));
    if (frame.boundary) paintBoundary(this.boundary, frame.boundary, this.classes.length);
    else if (frame.epoch === 0) paintBlank(this.boundary);
    this.net.update(frame);
    if (frame.confusion) this.renderConfusion(frame.confusion);
    else if (frame.epoch === 0) this.renderConfusion(null);
    this.renderFindings(frame.findings || [], frame.epoch, frame.ended);
    this.renderBanner(frame);
  }

  renderBanner(frame) {
    const banner = this.q(".banner");
    if (!frame || !frame.ended) {
      banner.hidden = true;
      this.root.classList.remove("diverged");
      return;
    }
    banner.replaceChildren();
    const text = String(frame.ended);
    let title;
    let detail = text;
    if (frame.diverged) {
      const at = /diverged at epoch (\d+)/.exec(text);
      title = `Training diverged at epoch ${at ? at[1] : frame.epoch + 1}`;
      detail = text.replace(/^Training diverged at epoch \d+:\s*/, "");
    } else {
      title = "Training stopped";
    }
    banner.append(el("strong", "", title), el("span", "", ` — ${detail}`));
    banner.classList.toggle("banner-diverged", !!frame.diverged);
    banner.hidden = false;
    this.root.classList.toggle("diverged", !!frame.diverged);
  }

  buildConfusion() {
    const body = this.q(".conf-body");
    body.replaceChildren();
    const labels = this.classes;
    const binary = labels.length === 2;
    const table = el("table", `confusion ${binary ? "k2" : labels.length <= 4 ? "k4" : "k8"}`);
    const head = el("tr");
    const corner = el("th", "corner");
    corner.append(el("span", "", "predicted →"), el("span", "", "true ↓"));
    head.append(corner);
    labels.forEach((name) => head.append(el("th", "pred", name)));
    const thead = el("thead");
    thead.append(head);
    table.append(thead);
    const tbody = el("tbody");
    this.cells = [];
    const names = [["TN", "FP"], ["FN", "TP"]];
    const notes = [["true negatives", "false positives (type I)"], ["false negatives (type II)", "true positives"]];
    labels.forEach((name, r) => {
      const row = el("tr");
      row.append(el("th", "truth", name));
      const cells = labels.map((_, c) => {
        const td = el("td", r === c ? "diag" : "off");
        const count = el("span", "count", "–");
        td.append(count);
        if (binary) {
          const tag = el("span", "cell-name", names[r][c] + (r !== c ? (r === 0 ? " · type I" : " · type II") : ""));
          td.title = notes[r][c];
          td.append(tag);
        }
        row.append(td);
        return { td, count, value: null };
      });
      this.cells.push(cells);
      tbody.append(row);
    });
    table.append(tbody);
    body.append(table);
    this.metrics = el("div", "conf-metrics");
    this.explain = el("p", "conf-explain");
    body.append(this.metrics, this.explain);
  }

  renderConfusion(conf) {
    if (!this.cells) return;
    if (!conf) {
      for (const row of this.cells) for (const cell of row) { cell.count.textContent = "–"; cell.td.style.background = ""; }
      this.metrics.textContent = "";
      this.explain.textContent = "The test points' confusion matrix appears after the first epoch.";
      return;
    }
    const total = conf.matrix.flat().reduce((a, b) => a + b, 0) || 1;
    conf.matrix.forEach((row, r) => {
      row.forEach((v, c) => {
        const cell = this.cells[r] && this.cells[r][c];
        if (!cell || cell.value === v) return;
        cell.value = v;
        cell.count.textContent = String(v);
        const share = Math.min(1, (v / total) * conf.matrix.length);
        cell.td.style.background = r === c
          ? `rgba(8, 119, 189, ${0.06 + 0.3 * share})`
          : `rgba(214, 39, 40, ${v ? 0.05 + 0.35 * share : 0})`;
      });
    });
    const parts = [`accuracy ${formatShare(conf.accuracy)}`];
    if (conf.precision !== undefined) {
      parts.push(`precision ${conf.precision.toFixed(2)}`, `recall ${conf.recall.toFixed(2)}`, `F1 ${conf.f1.toFixed(2)}`);
    }
    const text = parts.join(" · ");
    if (this.metrics.textContent !== text) this.metrics.textContent = text;
    if (conf.explanation) this.explanation = conf.explanation;
    const explanation = this.explanation || "";
    if (this.explain.textContent !== explanation) this.explain.textContent = explanation;
  }

  renderFindings(findings, epoch, ended = null) {
    const flags = new Map();
    const rank = { severe: 3, warning: 2, info: 1 };
    for (const f of findings) {
      if (f.layer && (rank[f.severity] || 0) > (rank[flags.get(f.layer)] || 0)) flags.set(f.layer, f.severity);
    }
    this.net.setFlags(flags);
    this.root.classList.toggle("has-severe", findings.some((f) => f.severity === "severe"));
    const seen = new Set();
    const order = [];
    for (const f of findings) {
      const key = `${f.code}|${f.layer ?? ""}`;
      seen.add(key);
      let card = this.cards.get(key);
      if (!card) {
        card = makeCard(f);
        this.cards.set(key, card);
      }
      updateCard(card, f);
      order.push(card.root);
    }
    for (const [key, card] of this.cards) {
      if (!seen.has(key)) {
        card.root.remove();
        this.cards.delete(key);
      }
    }
    const box = this.findings;
    if (!order.length) {
      let empty = box.querySelector(".no-findings");
      if (!empty) {
        empty = el("p", "no-findings");
        box.replaceChildren(empty);
      }
      let text = epoch > 0
        ? `No problem found so far (epoch ${epoch.toLocaleString("en-US")}).`
        : "No problem found so far. Press play: findings appear here the moment they become true.";
      if (ended) text = `No finding to list: ${epoch > 0 ? "training has stopped" : "training stopped before its first epoch ended"}; the banner above says why.`;
      if (empty.textContent !== text) empty.textContent = text;
      empty.classList.toggle("neutral", !!ended);
      return;
    }
    const empty = box.querySelector(".no-findings");
    if (empty) empty.remove();
    const current = [...box.children];
    if (current.length !== order.length || current.some((c, i) => c !== order[i])) box.replaceChildren(...order);
  }
}

function makeCard(f) {
  const root = el("article", "finding");
  root.dataset.testid = "finding";
  const head = el("div", "f-head");
  const badge = el("span", "badge");
  const title = el("span", "f-title");
  const layer = el("span", "f-layer");
  const since = el("span", "f-since");
  head.append(badge, title, layer, since);
  const summary = el("p", "f-summary");
  const explanation = el("p", "f-explanation");
  const advice = el("div", "f-advice");
  root.append(head, summary, explanation, advice);
  return { root, badge, title, layer, since, summary, explanation, advice, adviceKey: "" };
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function updateCard(card, f) {
  card.root.dataset.code = f.code;
  card.root.dataset.layer = f.layer ?? "";
  card.root.dataset.severity = f.severity;
  card.root.className = `finding sev-${f.severity}`;
  setText(card.badge, f.severity);
  setText(card.title, f.title);
  setText(card.layer, f.layer ?? "whole network");
  setText(card.since, `since epoch ${Number(f.seen_since).toLocaleString("en-US")}`);
  setText(card.summary, capitalize(f.summary));
  setText(card.explanation, f.explanation);
  const key = JSON.stringify(f.advice);
  if (key !== card.adviceKey) {
    card.adviceKey = key;
    card.advice.replaceChildren();
    if (f.advice && f.advice.length) {
      card.advice.append(el("span", "try", "Try:"));
      const list = el("ul");
      for (const a of f.advice) list.append(el("li", "", a));
      card.advice.append(list);
    }
  }
}

function capitalize(text) {
  const s = String(text ?? "");
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

function summarize(net) {
  if (!net.hidden.length) return `no hidden layer · ${net.solver} · lr ${net.learning_rate_init}`;
  const acts = [...new Set(net.activation)];
  const shape = net.hidden.join("-");
  const act = acts.length === 1 ? acts[0] : net.activation.join("/");
  const bits = [`${shape} ${act}`, `init ${net.init}`, `${net.solver} lr ${net.learning_rate_init}`, `batch ${net.batch_size}`];
  if (net.alpha) bits.push(`alpha ${net.alpha}`);
  if (net.dropout) bits.push(`dropout ${net.dropout}`);
  if (net.clip_grad_norm !== null) bits.push(`clip ${net.clip_grad_norm}`);
  return bits.join(" · ");
}

function hiddenActivations() {
  return app.info.activations.filter((a) => a !== "softmax" && a !== "none");
}

function buildLanes(count) {
  const box = $("lanes");
  box.classList.toggle("single", count === 1);
  box.classList.toggle("compare", count === 2);
  if (app.lanes.length === count) return;
  while (app.lanes.length > count) {
    const lane = app.lanes.pop();
    lane.resize.disconnect();
    lane.root.remove();
  }
  while (app.lanes.length < count) {
    const lane = new LaneView(app.lanes.length);
    app.lanes.push(lane);
    box.append(lane.root);
  }
}

function drawCharts() {
  const lanes = app.lanes;
  if (!lanes.length) return;
  const xMax = Math.max(10, ...lanes.map((l) => last(l.series.epoch) || 0));
  const lossLines = lanes.map((l) => [
    { x: l.series.epoch, y: l.series.train_loss, color: "#9aa5b1", width: 1.5 },
    { x: l.series.epoch, y: l.series.test_loss, color: "#1f2a33", width: 1.6 },
  ]);
  const lossRange = valueRange(lossLines.flat(), app.lossLog);
  const gradLines = lanes.map((l) => l.series.grad.map((ys, k) => ({
    x: l.series.gradEpoch, y: ys, color: layerColor(k, l.series.grad.length), width: 1.4,
  })));
  const gradRange = valueRange(gradLines.flat(), true);
  lanes.forEach((lane, i) => {
    drawChart(lane.q(".loss-chart"), { lines: lossLines[i], xMax, range: lossRange, log: app.lossLog });
    drawChart(lane.q(".grad-chart"), { lines: gradLines[i], xMax, range: gradRange, log: true });
    renderGradLegend(lane);
  });
}

function renderGradLegend(lane) {
  const net = app.ready ? app.ready.spec.lanes[lane.index] : null;
  if (!net) return;
  const count = net.hidden.length + 1;
  const key = String(count);
  const box = lane.q(".grad-legend");
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren();
  for (let k = 0; k < count; k++) {
    const item = el("span", "legend-item");
    const line = el("span", "line-key");
    line.style.background = layerColor(k, count);
    item.append(line, el("span", "", k === count - 1 ? "output" : `hidden ${k + 1}`));
    box.append(item);
  }
}

// ------------------------------------------------------------------ the player

function renderPlayer() {
  $("epoch").textContent = formatEpoch(app.epoch);
  const play = $("play");
  const icon = play.querySelector(".icon");
  icon.classList.toggle("icon-play", !app.playing);
  icon.classList.toggle("icon-pause", app.playing);
  play.setAttribute("aria-label", app.playing ? "pause" : "play");
  play.classList.toggle("playing", app.playing);
  for (const id of ["play", "step", "reset", "speed"]) $(id).disabled = app.closed;
}

/** A command right after a change goes to the new run: send the change first. */
function flushConfigure() {
  if (app.configureTimer) configureNow();
}

function togglePlay() {
  if (app.closed) return;
  flushConfigure();
  if (app.playing) {
    send({ type: "pause" });
    app.playing = false;
  } else {
    send({ type: "play" });
    app.playing = true;
  }
  renderPlayer();
}

function step() {
  if (app.closed) return;
  flushConfigure();
  send({ type: "step" });
}

// ------------------------------------------------------------------ the controls

function buildSettings() {
  const box = $("settings");
  box.replaceChildren();
  const make = (key, label, param, values, labeler, testid, title) => {
    const wrap = el("label", "setting");
    wrap.dataset.key = key;
    const head = el("span", "ctl-label", label);
    const code = el("code", "param", param);
    const select = el("select");
    select.dataset.testid = testid;
    if (title) wrap.title = title;
    fillSelect(select, values, labeler);
    select.addEventListener("change", () => {
      const net = app.spec.lanes[app.editing];
      const raw = select.value;
      net[key] = key === "solver" || key === "init" ? raw : raw === "" ? null : Number(raw);
      reconfigure();
    });
    wrap.append(head, code, select);
    box.append(wrap);
    return select;
  };
  app.controls = {
    solver: make("solver", "Solver", "solver", ["adam", "sgd"], String, "solver"),
    learning_rate_init: make("learning_rate_init", "Learning rate", "learning_rate_init", LEARNING_RATES, String, "learning-rate"),
    batch_size: make("batch_size", "Batch size", "batch_size", BATCH_SIZES, String, "batch-size"),
    alpha: make("alpha", "L2 penalty", "alpha", ALPHAS, String, "alpha", "L2 regularisation strength"),
    dropout: make("dropout", "Dropout", "dropout", DROPOUTS, String, "dropout", "share of hidden units dropped at each training step"),
    clip_grad_norm: make("clip_grad_norm", "Gradient clip", "clip_grad_norm", CLIPS, optionLabel, "clip", "cap on the gradient's norm at each step"),
    init: make("init", "Initialisation", "init", app.info.inits, String, "init", "how the initial weights are drawn"),
    momentum: make("momentum", "Momentum", "momentum", MOMENTA, String, "momentum", "sgd only"),
  };
}

function renderControls() {
  const spec = app.spec;
  const d = spec.data;
  // Data set tiles.
  for (const tile of $("datasets").children) {
    const on = tile.dataset.value === d.dataset;
    tile.classList.toggle("on", on);
    tile.setAttribute("aria-checked", on ? "true" : "false");
  }
  $("blob-classes").hidden = d.dataset !== "blobs";
  for (const b of $("classes-seg").children) b.classList.toggle("seg-on", Number(b.dataset.value) === d.classes);
  const file = d.dataset === "csv" || d.dataset === "titanic";
  $("noise").disabled = file;
  $("noise-row").classList.toggle("disabled", file);
  $("noise").value = d.noise;
  $("noise-out").textContent = file ? "–" : `${d.noise} %`;
  $("test").value = d.test_share;
  $("test-out").textContent = `${d.test_share} %`;
  $("samples").value = d.samples;
  const rows = d.dataset === "csv" && app.upload && app.upload.upload === d.upload ? app.upload.rows : null;
  $("samples-out").textContent = rows !== null && d.samples >= rows ? `all ${rows}` : String(d.samples);
  $("seed").value = spec.seed;
  $("show-test").checked = app.showTest;
  renderCsvBox();
  renderFeatureToggles();
  // Training settings of the lane being edited.
  const compare = spec.lanes.length === 2;
  if (!compare) app.editing = 0;
  $("editing").hidden = !compare;
  $("edit-a").classList.toggle("seg-on", app.editing === 0);
  $("edit-b").classList.toggle("seg-on", app.editing === 1);
  $("settings").classList.toggle("editing-b", compare && app.editing === 1);
  $("settings").classList.toggle("editing-a", compare && app.editing === 0);
  $("compare").checked = compare;
  const net = spec.lanes[app.editing];
  for (const [key, select] of Object.entries(app.controls)) setSelect(select, net[key]);
  app.controls.momentum.disabled = net.solver !== "sgd";
  app.controls.momentum.closest(".setting").classList.toggle("disabled", net.solver !== "sgd");
}

function renderCsvBox() {
  const d = app.spec.data;
  const box = $("csv-box");
  box.hidden = d.dataset !== "csv";
  if (box.hidden) return;
  const columns = app.upload && app.upload.upload === d.upload ? app.upload.columns.map((c) => c.name) : [d.x1, d.x2, d.label].filter(Boolean);
  const label = app.upload && app.upload.upload === d.upload
    ? `${app.upload.name} · ${app.upload.rows.toLocaleString("en-US")} rows`
    : "uploaded file (from the link)";
  $("csv-name").textContent = label;
  for (const [id, key] of [["csv-x1", "x1"], ["csv-x2", "x2"], ["csv-label", "label"]]) {
    const select = $(id);
    const names = [...new Set(columns)];
    const current = [...select.options].map((o) => o.value);
    if (current.length !== names.length || current.some((v, i) => v !== names[i])) {
      const described = new Map((app.upload && app.upload.upload === d.upload ? app.upload.columns : []).map((c) => [c.name, c]));
      select.replaceChildren(...names.map((n) => {
        const c = described.get(n);
        let hint = "";
        if (c && key === "label") hint = ` (${c.distinct} values)`;
        else if (c && !c.numeric) hint = " (text)";
        const o = el("option", "", n + hint);
        o.value = n;
        return o;
      }));
    }
    if (d[key] !== null) select.value = d[key];
  }
}

function renderFeatureToggles() {
  const box = $("features");
  const ready = app.ready;
  const extent = ready ? ready.data.extent : 0;
  const key = `${extent}|${app.spec.features.join(",")}`;
  for (const tile of box.children) {
    const name = tile.dataset.value;
    const on = app.spec.features.includes(name);
    tile.classList.toggle("on", on);
    tile.setAttribute("aria-pressed", on ? "true" : "false");
    if (tile.dataset.painted !== key && extent) {
      const canvas = tile.querySelector("canvas");
      const i = ready.features.indexOf(name);
      const size = ready.feature_maps.size;
      const bytes = i >= 0 ? decodeB64(ready.feature_maps.maps[i]) : featureMap(name, extent, size);
      paintSigned(canvas, bytes, size);
      tile.dataset.painted = key;
    }
  }
}

function renderDataNotes(notes) {
  $("data-notes").replaceChildren(...(notes || []).map((n) => el("li", "", n)));
}

function buildDataControls() {
  const info = app.info;
  const box = $("datasets");
  for (const name of info.datasets) {
    // The upload tile is a label of the file input: a click opens the file chooser.
    const tile = el(name === "csv" ? "label" : "button", "dataset-tile");
    if (name === "csv") {
      tile.htmlFor = "upload-input";
      tile.tabIndex = 0;
      tile.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          $("upload-input").click();
        }
      });
    } else {
      tile.type = "button";
    }
    tile.dataset.value = name;
    tile.dataset.testid = `dataset-${name}`;
    if (name !== "csv") tile.setAttribute("role", "radio");
    const canvas = el("canvas", "dataset-icon");
    tile.append(canvas, el("span", "dataset-name", DATASET_NAMES[name] || name));
    if (name === "titanic") {
      tile.title = "The course's Titanic file: Pclass and Age, coloured by Survived";
      if (!info.course_file) {
        tile.disabled = true;
        tile.title = "The course's Titanic file is not on this server (start it with --course-file PATH)";
        $("titanic-hint").hidden = false;
      }
    }
    if (name === "csv") {
      tile.dataset.testid = "upload";
      tile.append($("upload-input"));
      tile.title = `Upload a CSV file (up to ${(info.limits.upload_bytes / 1e6).toFixed(0)} MB) and pick two numeric columns and a label`;
    }
    if (name !== "csv") tile.addEventListener("click", () => chooseDataset(name));
    else {
      tile.addEventListener("click", (e) => {
        // Back to the file uploaded before ("another file…" uploads a new one).
        const d = app.spec.data;
        if (app.upload && d.dataset !== "csv") {
          e.preventDefault();
          d.dataset = "csv";
          d.upload = app.upload.upload;
          d.x1 = d.x1 || app.upload.suggested.x1;
          d.x2 = d.x2 || app.upload.suggested.x2;
          d.label = d.label || app.upload.suggested.label;
          reconfigure();
        }
      });
    }
    box.append(tile);
    requestAnimationFrame(() => paintDatasetIcon(canvas, name));
  }
  for (const k of [2, 3, 4]) {
    const b = el("button", "", String(k));
    b.type = "button";
    b.dataset.value = k;
    b.addEventListener("click", () => {
      app.spec.data.classes = k;
      reconfigure();
    });
    $("classes-seg").append(b);
  }
  const slider = (id, key, format) => {
    const input = $(id);
    input.addEventListener("input", () => { $(`${id}-out`).textContent = format(Number(input.value)); });
    input.addEventListener("change", () => {
      app.spec.data[key] = Number(input.value);
      reconfigure();
    });
  };
  slider("noise", "noise", (v) => `${v} %`);
  slider("test", "test_share", (v) => `${v} %`);
  slider("samples", "samples", (v) => String(v));
  $("seed").addEventListener("change", () => {
    const v = Number($("seed").value);
    if (Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1) {
      app.spec.seed = v;
      reconfigure();
    } else {
      $("seed").value = app.spec.seed;
      toast("The seed is a whole number from 0 to 2147483647.");
    }
  });
  $("regenerate").addEventListener("click", () => {
    app.spec.seed = Math.floor(Math.random() * 100000);
    reconfigure();
  });
  $("show-test").addEventListener("change", () => {
    app.showTest = $("show-test").checked;
    for (const lane of app.lanes) lane.paintPoints();
    updateHash(false);
  });
  // Features.
  const fbox = $("features");
  for (const name of FEATURES) {
    const tile = el("button", "feature-tile");
    tile.type = "button";
    tile.dataset.value = name;
    tile.dataset.testid = `feature-${name}`;
    tile.title = `input feature ${name}`;
    const canvas = el("canvas", "map");
    paintBlank(canvas);
    tile.append(canvas, el("span", "feature-name", FEATURE_LABELS[name]));
    tile.addEventListener("click", () => {
      const chosen = app.spec.features;
      if (chosen.includes(name)) {
        if (chosen.length === 1) {
          toast("The network needs at least one input feature.");
          return;
        }
        app.spec.features = chosen.filter((f) => f !== name);
      } else {
        app.spec.features = FEATURES.filter((f) => f === name || chosen.includes(f));
      }
      reconfigure();
    });
    fbox.append(tile);
  }
  // CSV columns and upload.
  for (const [id, key] of [["csv-x1", "x1"], ["csv-x2", "x2"], ["csv-label", "label"]]) {
    $(id).addEventListener("change", () => {
      app.spec.data[key] = $(id).value;
      reconfigure();
    });
  }
  $("csv-again").addEventListener("click", () => $("upload-input").click());
  $("upload-input").addEventListener("change", () => {
    const file = $("upload-input").files[0];
    $("upload-input").value = "";
    $("upload-input").blur();
    if (file) uploadFile(file);
  });
}

function chooseDataset(name) {
  app.spec.data.dataset = name;
  reconfigure();
}

async function uploadFile(file) {
  const limit = app.info.limits.upload_bytes;
  if (file.size > limit) {
    showMessage(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the playground takes files up to ${(limit / 1e6).toFixed(0)} MB. Upload a smaller sample of it.`);
    return;
  }
  toast(`Uploading ${file.name}…`);
  let answer;
  let ok = false;
  try {
    const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, { method: "POST", body: file });
    ok = response.ok;
    answer = await response.json().catch(() => ({ detail: `the server answered ${response.status}` }));
  } catch (err) {
    showMessage(`The upload of ${file.name} failed: ${err.message}`);
    return;
  }
  if (!ok) {
    showMessage(String(answer.detail || "the server refused the file"));
    return;
  }
  hideMessage();
  app.upload = answer;
  const d = app.spec.data;
  d.dataset = "csv";
  d.upload = answer.upload;
  d.x1 = answer.suggested.x1;
  d.x2 = answer.suggested.x2;
  d.label = answer.suggested.label;
  toast(`${answer.name}: ${answer.rows} rows, ${answer.columns.length} columns`);
  reconfigure();
}

// ------------------------------------------------------------------ lessons, compare, share, export

function buildLessons() {
  const list = $("lessons-list");
  const button = $("lessons-button");
  for (const lesson of app.info.lessons) {
    const item = el("button", "menu-item");
    item.type = "button";
    item.setAttribute("role", "menuitem");
    item.dataset.testid = `preset-${lesson.key}`;
    item.dataset.key = lesson.key;
    item.append(el("span", "menu-title", lesson.title));
    const expect = lesson.expect.length ? `shows ${lesson.expect.join(", ")}` : "no finding expected";
    item.append(el("span", "menu-sub", `${lesson.spec.lanes.length === 2 ? "side by side · " : ""}${expect}`));
    item.addEventListener("click", () => {
      closeLessons();
      loadLesson(lesson.key);
    });
    list.append(item);
  }
  button.addEventListener("click", (e) => {
    e.stopPropagation();
    if (list.hidden) openLessons();
    else closeLessons();
  });
  document.addEventListener("click", (e) => {
    if (!list.hidden && !$("lessons-menu").contains(e.target)) closeLessons();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !list.hidden) closeLessons();
  });
  $("lesson-close").addEventListener("click", () => {
    app.lesson = null;
    $("lesson").hidden = true;
    updateHash(false);
  });
}

function openLessons() {
  $("lessons-list").hidden = false;
  $("lessons-button").setAttribute("aria-expanded", "true");
}

function closeLessons() {
  $("lessons-list").hidden = true;
  $("lessons-button").setAttribute("aria-expanded", "false");
}

function loadLesson(key) {
  const lesson = app.info.lessons.find((l) => l.key === key);
  if (!lesson) return;
  app.spec = clone(lesson.spec);
  app.editing = 0;
  app.restoreEpoch = 0;
  showLesson(key);
  configureNow();
  renderControls();
}

function showLesson(key) {
  const lesson = app.info.lessons.find((l) => l.key === key);
  if (!lesson) {
    app.lesson = null;
    $("lesson").hidden = true;
    return;
  }
  app.lesson = key;
  $("lesson-title").textContent = lesson.title;
  $("lesson-text").textContent = lesson.text;
  $("lesson-expect").textContent = lesson.expect.length
    ? `Press play and watch the diagnosis: expect ${lesson.expect.join(", ")}.`
    : "Press play: this one should train without a finding.";
  $("lesson").hidden = false;
}

function setCompare(on) {
  if (on && app.spec.lanes.length === 1) {
    app.spec.lanes.push(clone(app.spec.lanes[0]));
    app.editing = 1;
    toast("Network B is a copy of A: change B's settings or layers to compare.");
  } else if (!on && app.spec.lanes.length === 2) {
    app.spec.lanes = [app.spec.lanes[0]];
    app.editing = 0;
  }
  reconfigure();
}

async function share() {
  if (!app.playing) updateHash(false);
  else {
    const hash = toHash(cleanSpec(app.spec), { epoch: app.epoch, lesson: app.lesson, showTest: app.showTest });
    history.replaceState(null, "", hash);
  }
  const url = location.href;
  let copied = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(url);
      copied = true;
    }
  } catch (_) { /* fall back below */ }
  if (!copied) {
    const area = el("textarea", "offscreen");
    area.value = url;
    document.body.append(area);
    area.select();
    try { copied = document.execCommand("copy"); } catch (_) { copied = false; }
    area.remove();
  }
  toast(copied ? `Link copied (epoch ${app.epoch.toLocaleString("en-US")}): opening it trains the same run to the same epoch.` : "Copy the address bar: it holds this run.");
}

const exportState = { lane: 0, lib: "glassnet" };

function openExport() {
  if (!app.ready) return;
  if (app.playing) togglePlay();
  exportState.lane = Math.min(exportState.lane, app.ready.spec.lanes.length - 1);
  const laneSeg = $("export-lane");
  laneSeg.replaceChildren();
  laneSeg.hidden = app.ready.spec.lanes.length < 2;
  app.ready.spec.lanes.forEach((_, i) => {
    const b = el("button", i === exportState.lane ? "seg-on" : "", `Network ${"AB"[i]}`);
    b.type = "button";
    b.addEventListener("click", () => {
      exportState.lane = i;
      for (const c of laneSeg.children) c.classList.toggle("seg-on", c === b);
      loadExport();
    });
    laneSeg.append(b);
  });
  $("export-dialog").showModal();
  loadExport();
}

async function loadExport() {
  const ready = app.ready;
  const lane = exportState.lane;
  const lib = exportState.lib;
  for (const b of $("export-lib").children) b.classList.toggle("seg-on", b.dataset.lib === lib);
  const base = `/api/export/${encodeURIComponent(ready.run)}/${lane}?library=${lib}`;
  $("export-intro").textContent =
    `The ${lib === "sklearn" ? "scikit-learn" : "glassnet"} script trains network ${"AB"[lane]} on the same data with the same seed for the page's ${app.epoch.toLocaleString("en-US")} epochs, and prints the numbers shown here.`;
  $("export-download").href = `${base}&download=1`;
  $("export-model").href = `/api/model/${encodeURIComponent(ready.run)}/${lane}`;
  $("export-status").textContent = "";
  const gaps = (ready.lanes[lane] && ready.lanes[lane].sklearn_gaps) || [];
  const gapBox = $("export-gap");
  const code = $("export-code");
  gapBox.hidden = true;
  $("export-download").classList.remove("disabled");
  if (lib === "sklearn" && gaps.length) {
    // The server would answer 409 with the same reasons: no need to ask.
    $("export-intro").textContent = `scikit-learn has no script for network ${"AB"[lane]} as it is set; the glassnet script and the model file have it.`;
    gapBox.textContent = `scikit-learn's MLPClassifier cannot train this network: it lacks ${gaps.join("; ")}.`;
    gapBox.hidden = false;
    code.textContent = "";
    $("export-copy").disabled = true;
    $("export-download").classList.add("disabled");
    return;
  }
  code.textContent = "loading…";
  $("export-copy").disabled = true;
  try {
    const response = await fetch(base);
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      code.textContent = "";
      gapBox.hidden = false;
      gapBox.textContent = String(body.detail || `the server answered ${response.status}`);
      $("export-download").classList.add("disabled");
      return;
    }
    code.textContent = await response.text();
    $("export-copy").disabled = false;
  } catch (err) {
    code.textContent = `could not load the script: ${err.message}`;
  }
}

async function copyExport() {
  const text = $("export-code").textContent;
  try {
    await navigator.clipboard.writeText(text);
    $("export-status").textContent = "Copied.";
  } catch (_) {
    const range = document.createRange();
    range.selectNodeContents($("export-code"));
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    $("export-status").textContent = document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C.";
  }
}

// ------------------------------------------------------------------ start

function wire() {
  $("play").addEventListener("click", togglePlay);
  $("step").addEventListener("click", step);
  $("reset").addEventListener("click", () => {
    flushConfigure();
    if (!app.closed) send({ type: "reset" });
  });
  const speed = $("speed");
  speed.replaceChildren(...app.info.speeds.map((s) => {
    const o = el("option", "", s === null ? "max" : `${s} epochs/s`);
    o.value = s === null ? "max" : String(s);
    return o;
  }));
  speed.value = String(SERVER_SPEED);
  speed.addEventListener("change", () => {
    app.speed = speed.value === "max" ? null : Number(speed.value);
    send({ type: "speed", value: app.speed });
  });
  $("message-close").addEventListener("click", hideMessage);
  $("compare").addEventListener("change", () => setCompare($("compare").checked));
  $("edit-a").addEventListener("click", () => { app.editing = 0; renderControls(); });
  $("edit-b").addEventListener("click", () => { app.editing = 1; renderControls(); });
  $("share").addEventListener("click", share);
  $("export").addEventListener("click", openExport);
  $("export-close").addEventListener("click", () => $("export-dialog").close());
  for (const b of $("export-lib").children) {
    b.addEventListener("click", () => {
      exportState.lib = b.dataset.lib;
      loadExport();
    });
  }
  $("export-copy").addEventListener("click", copyExport);
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    // Not while typing (a text field), nor on a control that space works itself
    // (a checkbox, a button reached with the keyboard); a select or slider gives way.
    const t = e.target;
    const own = t instanceof HTMLElement && (
      t.isContentEditable
      || t.tagName === "TEXTAREA"
      || t.tagName === "BUTTON"
      || t.tagName === "LABEL"
      || (t.tagName === "INPUT" && !["range", "radio", "file"].includes(t.type))
    );
    if (own || $("export-dialog").open) return;
    if (e.key === " " || e.code === "Space") {
      e.preventDefault();
      togglePlay();
    } else if (e.key === "s" || e.key === "S") {
      e.preventDefault();
      step();
    }
  });
  // Buttons keep no focus after a click, so space plays rather than pressing them again.
  document.addEventListener("mouseup", (e) => {
    const b = e.target instanceof Element ? e.target.closest("button, label.dataset-tile") : null;
    if (b) b.blur();
  });
  setInterval(() => {
    if (document.visibilityState === "visible") send({ type: "ping" });
  }, PING_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") send({ type: "ping" });
  });
  window.addEventListener("hashchange", () => {
    const parsed = fromHash(location.hash, app.info);
    if (!parsed) return;
    applyParsed(parsed);
    configureNow();
    renderControls();
  });
  window.addEventListener("resize", () => schedule(true));
  window.addEventListener("chartresize", () => schedule(true));
}

function applyParsed(parsed) {
  app.spec = parsed.spec;
  app.showTest = parsed.showTest;
  app.restoreEpoch = parsed.epoch;
  app.editing = 0;
  if (parsed.lesson) showLesson(parsed.lesson);
  const d = parsed.spec.data;
  if (d.dataset === "csv" && d.upload && !(app.upload && app.upload.upload === d.upload)) {
    describeUpload(d.upload);
  }
}

// A link to a run on an uploaded file: ask the server for the file's columns, so the
// menus list them all (if the server still has the file; if not, configure says so).
async function describeUpload(digest) {
  try {
    const response = await fetch(`/api/upload/${encodeURIComponent(digest)}`);
    if (!response.ok) return;
    app.upload = await response.json();
    renderControls();
  } catch (err) {
    // The configure message that follows reports a missing file.
  }
}

async function start() {
  try {
    const response = await fetch("/api/info");
    app.info = await response.json();
  } catch (err) {
    showMessage(`Could not reach the playground server: ${err.message}`);
    return;
  }
  $("version").textContent = `v${app.info.version}`;
  buildSettings();
  buildDataControls();
  buildLessons();
  wire();
  const parsed = fromHash(location.hash, app.info);
  if (parsed) applyParsed(parsed);
  renderControls();
  renderPlayer();
  connect();
}

start();
