// Small line charts on a canvas: the losses and the per-layer gradient norms over epochs.

import { fitCanvas } from "./draw.js";

// One colour per weight layer: hidden 1 … hidden 6, then the output layer in black.
export const LAYER_COLORS = ["#4c72b0", "#55a868", "#c44e52", "#8172b2", "#ccb974", "#64b5cd"];
export const OUTPUT_COLOR = "#222222";

export function layerColor(index, count) {
  return index === count - 1 ? OUTPUT_COLOR : LAYER_COLORS[index % LAYER_COLORS.length];
}

/** [min, max] of the finite values of some lines (positive ones only on a log scale). */
export function valueRange(lines, log) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const line of lines) {
    for (const v of line.y) {
      if (v === null || !Number.isFinite(v) || (log && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

function niceRange(range, log) {
  let [lo, hi] = range;
  if (log) {
    lo = Math.pow(10, Math.floor(Math.log10(lo)));
    hi = Math.pow(10, Math.ceil(Math.log10(hi)));
    if (hi / lo < 10) hi = lo * 10;
    return [lo, hi];
  }
  lo = Math.min(0, lo);
  if (hi <= lo) hi = lo + 1;
  return [lo, hi * 1.05];
}

function formatTick(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1000 || a < 0.01) return v.toExponential(0).replace("e+", "e");
  if (a >= 10) return v.toFixed(0);
  if (a >= 1) return v.toFixed(1).replace(/\.0$/, "");
  return v.toFixed(2);
}

/**
 * Draw lines over epochs.
 *
 * options: {lines: [{x, y, color, width, dash}], xMax, range: [lo, hi] | null, log, empty}
 */
// Chart sizes, kept by a ResizeObserver: reading clientWidth while drawing would force
// a layout of the whole page at every frame.
const sizes = new WeakMap();
const observer = new ResizeObserver((entries) => {
  for (const entry of entries) {
    sizes.set(entry.target, [entry.contentRect.width, entry.contentRect.height]);
  }
  window.dispatchEvent(new Event("chartresize"));
});

export function drawChart(canvas, options) {
  if (!sizes.has(canvas)) {
    sizes.set(canvas, [canvas.clientWidth || 260, canvas.clientHeight || 90]);
    observer.observe(canvas);
  }
  const [width, height] = sizes.get(canvas);
  if (!width || !height) return;
  const ctx = fitCanvas(canvas, width, height);
  ctx.clearRect(0, 0, width, height);
  const left = 38;
  const right = 6;
  const top = 6;
  const bottom = 16;
  const w = width - left - right;
  const h = height - top - bottom;
  ctx.font = "10px system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
  ctx.fillStyle = "#8a939c";
  ctx.strokeStyle = "#e3e7eb";
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, w, h);
  const xMax = Math.max(1, options.xMax || 1);
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText("0", left, top + h + 3);
  ctx.textAlign = "right";
  ctx.fillText(`epoch ${xMax.toLocaleString("en-US")}`, left + w, top + h + 3);
  if (!options.range) {
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(options.empty || "press play", left + w / 2, top + h / 2);
    return;
  }
  const log = !!options.log;
  const [lo, hi] = niceRange(options.range, log);
  const toY = log
    ? (v) => top + h - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * h
    : (v) => top + h - ((v - lo) / (hi - lo)) * h;
  const toX = (e) => left + (e / xMax) * w;
  // Grid lines and labels.
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const ticks = [];
  if (log) {
    const decades = Math.round(Math.log10(hi / lo));
    const step = Math.max(1, Math.ceil(decades / 4));
    for (let d = 0; d <= decades; d += step) ticks.push(lo * Math.pow(10, d));
  } else {
    for (let i = 0; i <= 3; i++) ticks.push(lo + ((hi - lo) * i) / 3);
  }
  for (const t of ticks) {
    const y = Math.round(toY(t)) + 0.5;
    ctx.strokeStyle = "#eef1f4";
    ctx.beginPath();
    ctx.moveTo(left + 1, y);
    ctx.lineTo(left + w, y);
    ctx.stroke();
    ctx.fillText(formatTick(t), left - 4, Math.min(Math.max(y, top + 4), top + h - 2));
  }
  // Lines, thinned to about two points a pixel.
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, w + 1, h);
  ctx.clip();
  for (const line of options.lines) {
    ctx.strokeStyle = line.color;
    ctx.lineWidth = line.width || 1.5;
    ctx.setLineDash(line.dash || []);
    ctx.lineJoin = "round";
    ctx.beginPath();
    let pen = false;
    let bucket = -1;
    let bMin = 0;
    let bMax = 0;
    const flush = () => {
      if (bucket < 0) return;
      const x = left + bucket / 2;
      const yA = toY(bMin);
      const yB = toY(bMax);
      if (!pen) {
        ctx.moveTo(x, yA);
        pen = true;
      } else ctx.lineTo(x, yA);
      if (yB !== yA) ctx.lineTo(x, yB);
    };
    const n = line.y.length;
    for (let i = 0; i < n; i++) {
      const v = line.y[i];
      if (v === null || !Number.isFinite(v) || (log && v <= 0)) {
        flush();
        bucket = -1;
        pen = false;
        continue;
      }
      const clamped = Math.min(Math.max(v, lo), hi);
      const b = Math.round((toX(line.x[i]) - left) * 2);
      if (b !== bucket) {
        flush();
        bucket = b;
        bMin = clamped;
        bMax = clamped;
      } else {
        if (clamped < bMin) bMin = clamped;
        if (clamped > bMax) bMax = clamped;
      }
    }
    flush();
    ctx.stroke();
    if (n === 1 && line.y[0] !== null && Number.isFinite(line.y[0]) && !(log && line.y[0] <= 0)) {
      ctx.beginPath();
      ctx.fillStyle = line.color;
      ctx.arc(toX(line.x[0]), toY(Math.min(Math.max(line.y[0], lo), hi)), 2.5, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  ctx.restore();
}
