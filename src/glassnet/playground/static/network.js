// The network drawing of one lane: inputs, hidden units (each its own output map and
// health), outputs, and the weights as SVG edges; +/- to change the layers.

import { FEATURE_LABELS } from "./state.js";
import { CLASS_COLORS, decodeB64, paintBlank, paintBoundary, paintSigned } from "./draw.js";

const SVG = "http://www.w3.org/2000/svg";
const HEALTH_TEXT = {
  ok: "healthy",
  dead: "dead: its input was negative on every point of the last epoch, so it output 0 and got no gradient",
  off: "switched off: its input was negative on every point of the last epoch; unlike a ReLU it still passes a small gradient back, so it can recover",
  saturated: "saturated: on the flat ends of its curve for more than 99 % of the last epoch's points, so it passes back almost no gradient",
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text, label, onClick) {
  const b = el("button", "mini", text);
  b.type = "button";
  b.title = label;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

function layerName(index, count) {
  return index === count ? "output" : `hidden ${index + 1}`;
}

export class NetworkView {
  /**
   * @param {HTMLElement} root where to draw (gets data-testid="network")
   * @param {object} options {activations, limits, onChange(net)}
   */
  constructor(root, options) {
    this.root = root;
    this.options = options;
    this.net = null;
    this.key = "";
    this.edges = []; // per weight layer: [fan_in][fan_out] of {path, w}
    this.units = []; // per hidden layer: [{box, canvas}]
    this.outputs = [];
    this.lastFrame = null;
    this.root.dataset.testid = "network";
    this.root.classList.add("network");
    this.resize = new ResizeObserver(() => this.layoutEdges());
  }

  /** Draw the structure: rebuilt only when the shape, inputs or outputs change. */
  setStructure({ net, features, featureMaps, mapSize, classes, editable = true }) {
    this.structure = { net, features, featureMaps, mapSize, classes, editable };
    this.net = JSON.parse(JSON.stringify(net));
    const key = JSON.stringify([net.hidden, net.activation, features, classes, editable, mapSize]);
    this.features = features;
    this.classes = classes;
    if (key === this.key) {
      this.paintInputs(featureMaps, mapSize);
      return;
    }
    this.key = key;
    this.build(editable);
    this.paintInputs(featureMaps, mapSize);
    requestAnimationFrame(() => this.layoutEdges());
  }

  build(editable) {
    const { net, features, classes } = this;
    const limits = this.options.limits;
    this.root.replaceChildren();
    this.resize.disconnect();
    const widest = Math.max(features.length, ...net.hidden, classes.length > 2 ? classes.length : 1);
    this.root.classList.toggle("size-l", widest <= 8);
    this.root.classList.toggle("size-m", widest > 8 && widest <= 12);
    this.root.classList.toggle("size-s", widest > 12);

    // Top: the number of hidden layers.
    const top = el("div", "net-top");
    const count = el("div", "layer-count");
    if (editable) {
      const minus = button("−", "remove the last hidden layer", () => this.changeLayers(-1));
      minus.disabled = net.hidden.length === 0;
      minus.dataset.testid = "remove-layer";
      const plus = button("+", "add a hidden layer", () => this.changeLayers(+1));
      plus.disabled = net.hidden.length >= limits.layers;
      plus.dataset.testid = "add-layer";
      count.append(minus, plus);
    }
    const label = el("span", "layer-count-text");
    label.append(
      el("strong", "", String(net.hidden.length)),
      document.createTextNode(net.hidden.length === 1 ? " hidden layer" : " hidden layers"),
    );
    count.append(label, el("code", "param", "hidden_layer_sizes"));
    top.append(count);
    this.root.append(top);

    const body = el("div", "net-body");
    this.body = body;
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.classList.add("edges");
    this.svg.setAttribute("aria-hidden", "true");
    this.svg.addEventListener("mouseover", (e) => this.describeEdge(e.target));
    body.append(this.svg);
    const cols = el("div", "net-cols");
    body.append(cols);

    // Inputs.
    const inputCol = el("div", "col col-input");
    const inHead = el("div", "col-head");
    inHead.append(el("span", "col-title", "Input"), el("span", "col-sub", `${features.length} features`));
    inputCol.append(inHead);
    const inUnits = el("div", "col-units");
    this.inputs = features.map((name) => {
      const node = el("div", "node input-node");
      node.title = `input feature ${name}`;
      const canvas = el("canvas", "map");
      node.append(el("span", "node-label", FEATURE_LABELS[name] || name), canvas);
      inUnits.append(node);
      return { box: node, anchor: canvas, canvas };
    });
    inputCol.append(inUnits);
    cols.append(inputCol);

    // Hidden layers.
    this.columns = [];
    this.units = net.hidden.map((units, li) => {
      const col = el("div", "col col-hidden");
      col.dataset.layerName = `hidden ${li + 1}`;
      const head = el("div", "col-head");
      const row = el("div", "unit-count");
      if (editable) {
        const minus = button("−", `remove a unit from hidden layer ${li + 1}`, () => this.changeUnits(li, -1));
        minus.disabled = units <= 1;
        const plus = button("+", `add a unit to hidden layer ${li + 1}`, () => this.changeUnits(li, +1));
        plus.disabled = units >= limits.units;
        row.append(minus, el("span", "unit-num", String(units)), plus);
      } else {
        row.append(el("span", "unit-num", String(units)));
      }
      head.append(row);
      const select = el("select", "act-select");
      select.title = `activation of hidden layer ${li + 1}`;
      select.setAttribute("aria-label", `activation of hidden layer ${li + 1}`);
      for (const name of this.options.activations) {
        const option = el("option", "", name);
        option.value = name;
        select.append(option);
      }
      select.value = net.activation[li];
      select.disabled = !editable;
      select.addEventListener("change", () => {
        const next = this.desired();
        next.activation[li] = select.value;
        this.options.onChange(next);
      });
      head.append(select);
      col.append(head);
      const list = el("div", "col-units");
      const cells = [];
      for (let u = 0; u < units; u++) {
        const box = el("div", "node unit h-ok");
        box.dataset.testid = "unit";
        box.dataset.layer = String(li + 1);
        box.dataset.unit = String(u);
        box.dataset.health = "ok";
        const canvas = el("canvas", "map");
        paintBlank(canvas);
        box.append(canvas);
        box.addEventListener("mouseenter", () => this.describeUnit(li, u));
        list.append(box);
        cells.push({ box, anchor: box, canvas, health: "ok" });
      }
      col.append(list);
      cols.append(col);
      this.columns.push(col);
      return cells;
    });

    // Outputs.
    const outCol = el("div", "col col-output");
    outCol.dataset.layerName = "output";
    const outHead = el("div", "col-head");
    outHead.append(el("span", "col-title", "Output"));
    outHead.append(el("span", "col-sub", classes.length > 2 ? `${classes.length} classes` : "P(class)"));
    outCol.append(outHead);
    const outList = el("div", "col-units");
    this.outputs = [];
    if (classes.length > 2) {
      classes.forEach((name, k) => {
        const node = el("div", "node output-node class-node");
        const swatch = el("span", "swatch");
        swatch.style.background = CLASS_COLORS[k % CLASS_COLORS.length];
        node.append(swatch, el("span", "node-label right", name));
        node.title = `output unit of class ${name}`;
        outList.append(node);
        this.outputs.push({ box: node, anchor: swatch });
      });
    } else {
      const node = el("div", "node output-node");
      const canvas = el("canvas", "map");
      paintBlank(canvas);
      node.append(canvas);
      node.title = `P(${classes[1] ?? "class 1"}): the decision boundary`;
      outList.append(node);
      this.outputs.push({ box: node, anchor: node, canvas });
    }
    outCol.append(outList);
    cols.append(outCol);
    this.columns.push(outCol);

    // Edges: one path per weight, created once per structure.
    const layers = [this.inputs, ...this.units, this.outputs];
    this.edges = [];
    const group = document.createElementNS(SVG, "g");
    for (let l = 0; l + 1 < layers.length; l++) {
      const rows = [];
      for (let i = 0; i < layers[l].length; i++) {
        const row = [];
        for (let j = 0; j < layers[l + 1].length; j++) {
          const path = document.createElementNS(SVG, "path");
          path.classList.add("edge", "edge-none");
          path.dataset.l = l;
          path.dataset.i = i;
          path.dataset.j = j;
          const title = document.createElementNS(SVG, "title");
          path.append(title);
          group.append(path);
          row.push({ path, title, width: -1, sign: 0 });
        }
        rows.push(row);
      }
      this.edges.push(rows);
    }
    this.svg.append(group);
    this.root.append(body);
    this.layers = layers;

    // Legend.
    const legend = el("div", "net-legend");
    const scale = el("span", "legend-item");
    scale.append(el("span", "legend-text", "unit output"), el("span", "scale-bar"), el("span", "legend-text", "− 0 +"));
    const weights = el("span", "legend-item");
    weights.append(el("span", "edge-key pos"), el("span", "legend-text", "weight > 0"), el("span", "edge-key neg"), el("span", "legend-text", "< 0"));
    const dead = el("span", "legend-item");
    dead.append(el("span", "health-key h-dead"), el("span", "legend-text", "dead"));
    const off = el("span", "legend-item");
    off.append(el("span", "health-key h-off"), el("span", "legend-text", "off"));
    const sat = el("span", "legend-item");
    sat.append(el("span", "health-key h-saturated"), el("span", "legend-text", "saturated"));
    legend.append(scale, weights, dead, off, sat);
    this.root.append(legend);
    this.resize.observe(body);
    if (this.lastFrame) this.update(this.lastFrame);
  }

  paintInputs(featureMaps, mapSize) {
    this.inputs.forEach((node, i) => {
      const bytes = featureMaps[i];
      if (bytes) paintSigned(node.canvas, bytes, mapSize);
      else paintBlank(node.canvas);
    });
  }

  /** The network as the page's settings have it now (clicks may be ahead of the drawing). */
  desired() {
    const net = this.options.current ? this.options.current() : this.net;
    return JSON.parse(JSON.stringify(net));
  }

  /** Redraw at once for a new shape, with the same inputs and outputs (before the server answers). */
  reshape(net) {
    if (!this.structure) return;
    this.setStructure({ ...this.structure, net });
  }

  changeLayers(delta) {
    const next = this.desired();
    if (delta > 0) {
      const units = next.hidden.length ? next.hidden[next.hidden.length - 1] : 4;
      const act = next.activation.length ? next.activation[next.activation.length - 1] : "tanh";
      next.hidden.push(units);
      next.activation.push(act);
    } else {
      next.hidden.pop();
      next.activation.pop();
    }
    this.options.onChange(next);
  }

  changeUnits(layer, delta) {
    const next = this.desired();
    if (layer >= next.hidden.length) return;
    next.hidden[layer] = Math.max(1, Math.min(this.options.limits.units, next.hidden[layer] + delta));
    this.options.onChange(next);
  }

  /** Place the edges between the nodes as they are laid out now. */
  layoutEdges() {
    if (!this.body || !this.layers || !this.body.isConnected) return;
    const origin = this.body.getBoundingClientRect();
    if (origin.width === 0) return;
    this.svg.setAttribute("width", origin.width);
    this.svg.setAttribute("height", origin.height);
    this.svg.setAttribute("viewBox", `0 0 ${origin.width} ${origin.height}`);
    const anchors = this.layers.map((nodes) =>
      nodes.map(({ anchor }) => {
        const r = anchor.getBoundingClientRect();
        return {
          left: r.left - origin.left,
          right: r.right - origin.left,
          y: r.top - origin.top + r.height / 2,
        };
      }),
    );
    for (let l = 0; l < this.edges.length; l++) {
      for (let i = 0; i < this.edges[l].length; i++) {
        const a = anchors[l][i];
        for (let j = 0; j < this.edges[l][i].length; j++) {
          const b = anchors[l + 1][j];
          const x1 = a.right;
          const x2 = b.left;
          const mid = (x1 + x2) / 2;
          this.edges[l][i][j].path.setAttribute(
            "d",
            `M${x1.toFixed(1)},${a.y.toFixed(1)}C${mid.toFixed(1)},${a.y.toFixed(1)} ${mid.toFixed(1)},${b.y.toFixed(1)} ${x2.toFixed(1)},${b.y.toFixed(1)}`,
          );
        }
      }
    }
  }

  /** Show a lane frame: unit maps, health, weights, the output map. */
  update(frame) {
    this.lastFrame = frame;
    if (!this.layers) return;
    const units = frame.units;
    if (units) {
      for (let l = 0; l < this.units.length; l++) {
        const maps = units.maps[l] || [];
        for (let u = 0; u < this.units[l].length; u++) {
          if (maps[u]) paintSigned(this.units[l][u].canvas, decodeB64(maps[u]), units.size);
        }
      }
    } else if (frame.epoch === 0) {
      for (const layer of this.units) for (const cell of layer) paintBlank(cell.canvas);
    }
    const health = frame.health;
    for (let l = 0; l < this.units.length; l++) {
      for (let u = 0; u < this.units[l].length; u++) {
        const cell = this.units[l][u];
        const state = (health && health[l] && health[l][u]) || "ok";
        if (state !== cell.health) {
          cell.box.classList.remove(`h-${cell.health}`);
          cell.box.classList.add(`h-${state}`);
          cell.box.dataset.health = state;
          cell.health = state;
        }
      }
    }
    if (this.outputs.length === 1 && this.outputs[0].canvas) {
      if (frame.boundary) paintBoundary(this.outputs[0].canvas, frame.boundary, this.classes.length);
      else if (frame.epoch === 0) paintBlank(this.outputs[0].canvas);
    }
    this.paintWeights(frame.weights);
  }

  paintWeights(weights) {
    const widest = Math.max(...this.layers.map((n) => n.length));
    const thin = widest > 8 ? 0.6 : widest > 4 ? 0.8 : 1;
    for (let l = 0; l < this.edges.length; l++) {
      const matrix = weights && weights[l];
      for (let i = 0; i < this.edges[l].length; i++) {
        for (let j = 0; j < this.edges[l][i].length; j++) {
          const edge = this.edges[l][i][j];
          const w = matrix && matrix[i] ? matrix[i][j] : null;
          let width = 1;
          let sign = 0;
          if (w !== null && w !== undefined && Number.isFinite(w)) {
            width = Math.round((0.5 + Math.min(Math.abs(w), 4) * 1.1) * thin * 4) / 4;
            sign = w >= 0 ? 1 : -1;
          }
          if (width !== edge.width || sign !== edge.sign) {
            if (sign !== edge.sign) {
              edge.path.classList.toggle("edge-pos", sign > 0);
              edge.path.classList.toggle("edge-neg", sign < 0);
              edge.path.classList.toggle("edge-none", sign === 0);
            }
            edge.path.setAttribute("stroke-width", String(width));
            edge.width = width;
            edge.sign = sign;
          }
        }
      }
    }
  }

  /** The weight under the pointer, written into its <title> just before it shows. */
  describeEdge(target) {
    if (!(target instanceof SVGPathElement) || !target.classList.contains("edge")) return;
    const l = Number(target.dataset.l);
    const i = Number(target.dataset.i);
    const j = Number(target.dataset.j);
    const edge = this.edges[l] && this.edges[l][i] && this.edges[l][i][j];
    if (!edge) return;
    const weights = this.lastFrame && this.lastFrame.weights;
    const w = weights && weights[l] && weights[l][i] ? weights[l][i][j] : null;
    const count = this.units.length;
    const from = l === 0 ? `input ${this.features[i]}` : `hidden ${l} unit ${i}`;
    const to = l === count ? (this.classes.length > 2 ? `output ${this.classes[j]}` : "output") : `hidden ${l + 1} unit ${j}`;
    const value = w === null || w === undefined ? "no weights yet (press play or step)" : `weight ${Number(w).toPrecision(4)}`;
    edge.title.textContent = `${value}\n${from} → ${to}\n(coefs_[${l}][${i}][${j}])`;
  }

  describeUnit(layer, unit) {
    const cell = this.units[layer] && this.units[layer][unit];
    if (!cell) return;
    const frame = this.lastFrame;
    const lines = [`hidden ${layer + 1}, unit ${unit} (${this.net.activation[layer]})`];
    lines.push(HEALTH_TEXT[cell.health] || cell.health);
    if (frame && frame.units && frame.units.scales[layer]) {
      lines.push(`largest |output| on the plane: ${Number(frame.units.scales[layer][unit]).toPrecision(3)}`);
    }
    if (frame && frame.biases && frame.biases[layer]) {
      const b = frame.biases[layer][unit];
      if (b !== null && b !== undefined) lines.push(`bias ${Number(b).toPrecision(4)}`);
    }
    cell.box.title = lines.join("\n");
  }

  /** Tint the columns a finding names ("hidden 2", "output"), by the worst severity. */
  setFlags(flags) {
    if (!this.columns) return;
    for (const col of this.columns) {
      const severity = flags.get(col.dataset.layerName) || null;
      for (const s of ["severe", "warning", "info"]) col.classList.toggle(`flag-${s}`, severity === s);
    }
  }
}

export { layerName };
