// Maps and points: bytes from the server painted into small canvases (scaled by CSS).

export const ORANGE = [245, 147, 34]; // #f59322: negative, class 0
export const BLUE = [8, 119, 189]; // #0877bd: positive, class 1
const MID = [232, 234, 235]; // #e8eaeb: zero

// Class colours: Playground's orange and blue first, then distinct others.
export const CLASS_COLORS = [
  "#f59322", "#0877bd", "#2ca25f", "#8e44ad", "#d62728", "#17becf", "#8c6d31", "#e377c2",
];
const CLASS_RGB = CLASS_COLORS.map(hexToRgb);

function hexToRgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

/** 256 RGBA colours: byte 0 = orange (-1), 128 = light (0), 255 = blue (+1). */
function divergingLut(fade) {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let b = 0; b < 256; b++) {
    const t = (b / 255) * 2 - 1;
    let c = t < 0 ? mix(MID, ORANGE, -t) : mix(MID, BLUE, t);
    if (fade) c = mix(c, [255, 255, 255], fade);
    lut.set([c[0], c[1], c[2], 255], b * 4);
  }
  return lut;
}

const UNIT_LUT = divergingLut(0);
const BOUNDARY_LUT = divergingLut(0.32);

/** CSS colour of a value in [-1, 1] on the diverging scale. */
export function divergingColor(t) {
  const b = Math.max(0, Math.min(255, Math.round(((t + 1) / 2) * 255)));
  return `rgb(${UNIT_LUT[b * 4]},${UNIT_LUT[b * 4 + 1]},${UNIT_LUT[b * 4 + 2]})`;
}

export function decodeB64(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function sized(canvas, size) {
  if (canvas.width !== size || canvas.height !== size) {
    canvas.width = size;
    canvas.height = size;
  }
  return canvas.getContext("2d");
}

/** Paint a signed map (bytes, 128 = 0) into a size×size canvas. */
export function paintSigned(canvas, bytes, size, lut = UNIT_LUT) {
  const ctx = sized(canvas, size);
  const image = ctx.createImageData(size, size);
  const px = image.data;
  const n = Math.min(bytes.length, size * size);
  for (let i = 0; i < n; i++) {
    const o = bytes[i] * 4;
    px[i * 4] = lut[o];
    px[i * 4 + 1] = lut[o + 1];
    px[i * 4 + 2] = lut[o + 2];
    px[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** A blank map (no weights yet, or no map). */
export function paintBlank(canvas, size = 1) {
  const ctx = sized(canvas, size);
  ctx.fillStyle = "#eef0f2";
  ctx.fillRect(0, 0, size, size);
}

/** Paint the decision boundary: binary P(class 1), or the likeliest class and its probability. */
export function paintBoundary(canvas, boundary, nClasses) {
  const size = boundary.size;
  const values = decodeB64(boundary.values);
  if (boundary.kind === "binary") {
    paintSigned(canvas, values, size, BOUNDARY_LUT);
    return;
  }
  const classes = decodeB64(boundary.classes);
  const ctx = sized(canvas, size);
  const image = ctx.createImageData(size, size);
  const px = image.data;
  const k = Math.max(2, nClasses);
  const chance = 1 / k;
  for (let i = 0; i < size * size; i++) {
    const rgb = CLASS_RGB[classes[i] % CLASS_RGB.length];
    const p = values[i] / 255;
    const strength = 0.1 + 0.58 * Math.max(0, Math.min(1, (p - chance) / (1 - chance)));
    px[i * 4] = 255 + (rgb[0] - 255) * strength;
    px[i * 4 + 1] = 255 + (rgb[1] - 255) * strength;
    px[i * 4 + 2] = 255 + (rgb[2] - 255) * strength;
    px[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** Size a canvas's backing store to its CSS box at the device's pixel ratio. */
export function fitCanvas(canvas, cssWidth, cssHeight) {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(cssWidth * ratio));
  const h = Math.max(1, Math.round(cssHeight * ratio));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** Draw the training points (white rim) and, if asked, the test points (dark rim). */
export function paintPoints(canvas, cssSize, data, showTest) {
  const ctx = fitCanvas(canvas, cssSize, cssSize);
  ctx.clearRect(0, 0, cssSize, cssSize);
  if (!data) return;
  const extent = data.extent || 1;
  const scale = cssSize / (2 * extent);
  const radius = cssSize >= 280 ? 3.2 : 2.8;
  const draw = (set, rim, width) => {
    ctx.lineWidth = width;
    ctx.strokeStyle = rim;
    for (let i = 0; i < set.xy.length; i++) {
      const [a, b] = set.xy[i];
      const x = (a + extent) * scale;
      const y = (extent - b) * scale;
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, Math.PI * 2);
      ctx.fillStyle = CLASS_COLORS[set.y[i] % CLASS_COLORS.length];
      ctx.fill();
      ctx.stroke();
    }
  };
  draw(data.train, "#ffffff", 1);
  if (showTest) draw(data.test, "#1a1a1a", 0.9);
}

// The input features, computed here for the toggles whose maps the server did not send.
const FEATURE_FUNCTIONS = {
  "x1": (a) => a,
  "x2": (a, b) => b,
  "x1^2": (a) => a * a,
  "x2^2": (a, b) => b * b,
  "x1*x2": (a, b) => a * b,
  "sin(x1)": (a) => Math.sin(a),
  "sin(x2)": (a, b) => Math.sin(b),
};

/** A feature's map as the server makes it: cell centres, scaled by the largest |value|. */
export function featureMap(name, extent, size) {
  const f = FEATURE_FUNCTIONS[name];
  const values = new Float64Array(size * size);
  let largest = 0;
  for (let r = 0; r < size; r++) {
    const x2 = extent - ((r + 0.5) / size) * 2 * extent;
    for (let c = 0; c < size; c++) {
      const x1 = ((c + 0.5) / size) * 2 * extent - extent;
      const v = f(x1, x2);
      values[r * size + c] = v;
      largest = Math.max(largest, Math.abs(v));
    }
  }
  const bytes = new Uint8Array(size * size);
  for (let i = 0; i < values.length; i++) {
    const t = largest > 0 ? values[i] / largest : 0;
    bytes[i] = Math.round(((t + 1) / 2) * 255);
  }
  return bytes;
}

/** A small picture of each toy data set, for the picker (an illustration, not the data). */
export function paintDatasetIcon(canvas, name) {
  const size = 48;
  const ctx = fitCanvas(canvas, size, size);
  ctx.fillStyle = "#f4f6f8";
  ctx.fillRect(0, 0, size, size);
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const dots = [];
  const c = size / 2;
  if (name === "moons") {
    for (let i = 0; i < 40; i++) {
      const t = (i % 20) / 19 * Math.PI;
      if (i < 20) dots.push([c - 7 + 13 * Math.cos(t), c + 4 - 13 * Math.sin(t), 0]);
      else dots.push([c + 7 - 13 * Math.cos(t), c - 4 + 13 * Math.sin(t), 1]);
    }
  } else if (name === "circles") {
    for (let i = 0; i < 36; i++) {
      const t = (i / 18) * Math.PI;
      const r = i < 18 ? 18 : 8;
      dots.push([c + r * Math.cos(t), c + r * Math.sin(t), i < 18 ? 0 : 1]);
    }
  } else if (name === "xor") {
    for (let i = 0; i < 44; i++) {
      const x = 4 + rand() * 40;
      const y = 4 + rand() * 40;
      dots.push([x, y, (x - c) * (y - c) >= 0 ? 1 : 0]);
    }
  } else if (name === "spiral") {
    for (let i = 0; i < 44; i++) {
      const k = i % 22;
      const r = (k / 22) * 20;
      const t = (1.75 * k / 22) * 2 * Math.PI + (i < 22 ? 0 : Math.PI);
      dots.push([c + r * Math.sin(t), c + r * Math.cos(t), i < 22 ? 0 : 1]);
    }
  } else if (name === "titanic") {
    for (let i = 0; i < 42; i++) {
      const k = i % 3;
      const x = 10 + k * 14 + (rand() - 0.5) * 5;
      const y = 6 + rand() * 36;
      dots.push([x, y, rand() < 0.62 - k * 0.2 ? 1 : 0]);
    }
  } else if (name === "csv") {
    ctx.strokeStyle = "#9aa5b1";
    ctx.lineWidth = 1;
    ctx.strokeRect(9.5, 10.5, 29, 27);
    for (let r = 1; r < 4; r++) {
      ctx.beginPath();
      ctx.moveTo(9.5, 10.5 + r * 6.75);
      ctx.lineTo(38.5, 10.5 + r * 6.75);
      ctx.stroke();
    }
    ctx.beginPath();
    ctx.moveTo(19.5, 10.5);
    ctx.lineTo(19.5, 37.5);
    ctx.moveTo(29.5, 10.5);
    ctx.lineTo(29.5, 37.5);
    ctx.stroke();
    ctx.fillStyle = "#0877bd";
    ctx.fillRect(10, 11, 28.5, 6.25);
  } else if (name === "blobs") {
    const centres = [[14, 14, 0], [34, 14, 1], [24, 34, 2]];
    for (let i = 0; i < 39; i++) {
      const [x, y, k] = centres[i % 3];
      dots.push([x + (rand() - 0.5) * 12, y + (rand() - 0.5) * 12, k]);
    }
  }
  for (const [x, y, k] of dots) {
    ctx.beginPath();
    ctx.arc(x, y, 2, 0, Math.PI * 2);
    ctx.fillStyle = CLASS_COLORS[k];
    ctx.fill();
  }
}
