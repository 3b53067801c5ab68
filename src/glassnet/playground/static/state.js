// The page's state (a RunSpec and a few view options) and its URL hash.
//
// The hash holds the whole run in readable keys, e.g.
//   #data=moons&noise=20&n=500&test=50&seed=0&features=x1,x2&hidden=8,8&act=relu,relu
//    &init=auto&solver=adam&lr=0.03&batch=10&alpha=0&dropout=0&clip=&mom=0.9&epoch=120
// with lane B's network keys prefixed "b." (their presence means side by side).

export const FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"];
export const FEATURE_LABELS = {
  "x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²",
  "x1*x2": "x₁x₂", "sin(x1)": "sin(x₁)", "sin(x2)": "sin(x₂)",
};
export const DATASETS = ["moons", "circles", "xor", "spiral", "blobs", "titanic", "csv"];

export function defaultNetwork() {
  return {
    hidden: [4, 2],
    activation: ["tanh", "tanh"],
    init: "auto",
    solver: "adam",
    learning_rate_init: 0.03,
    batch_size: 10,
    alpha: 0,
    dropout: 0,
    clip_grad_norm: null,
    momentum: 0.9,
  };
}

export function defaultSpec() {
  return {
    data: {
      dataset: "moons", classes: 2, noise: 20, samples: 500, test_share: 50,
      upload: null, x1: null, x2: null, label: null,
    },
    features: ["x1", "x2"],
    seed: 0,
    lanes: [defaultNetwork()],
  };
}

export function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** Keep only what a RunSpec has, in the shapes the server validates. */
export function cleanSpec(spec) {
  const d = spec.data;
  const data = {
    dataset: d.dataset, classes: d.classes, noise: d.noise, samples: d.samples,
    test_share: d.test_share, upload: null, x1: null, x2: null, label: null,
  };
  if (d.dataset === "csv") {
    data.upload = d.upload; data.x1 = d.x1; data.x2 = d.x2; data.label = d.label;
  }
  const features = FEATURES.filter((f) => spec.features.includes(f));
  const lanes = spec.lanes.map((n) => ({
    hidden: n.hidden.slice(),
    activation: n.activation.slice(),
    init: n.init,
    solver: n.solver,
    learning_rate_init: Number(n.learning_rate_init),
    batch_size: Number(n.batch_size),
    alpha: Number(n.alpha),
    dropout: Number(n.dropout),
    clip_grad_norm: n.clip_grad_norm === null || n.clip_grad_norm === "" ? null : Number(n.clip_grad_norm),
    momentum: Number(n.momentum),
  }));
  return { data, features, seed: Number(spec.seed), lanes };
}

// ------------------------------------------------------------------ hash

function enc(value) {
  // Readable where it is safe: commas, ^, *, ( and ) stay as they are in a fragment.
  return encodeURIComponent(String(value)).replace(/%2C/g, ",").replace(/%5E/g, "^");
}

function num(text) {
  return text === undefined || text === null || text.trim() === "" ? NaN : Number(text);
}

function intIn(text, lo, hi, fallback) {
  const v = num(text);
  return Number.isInteger(v) && v >= lo && v <= hi ? v : fallback;
}

function floatIn(text, lo, hi, fallback) {
  const v = num(text);
  return Number.isFinite(v) && v >= lo && v <= hi ? v : fallback;
}

function netToPairs(net, prefix) {
  return [
    [prefix + "hidden", net.hidden.join(",")],
    [prefix + "act", net.activation.join(",")],
    [prefix + "init", net.init],
    [prefix + "solver", net.solver],
    [prefix + "lr", net.learning_rate_init],
    [prefix + "batch", net.batch_size],
    [prefix + "alpha", net.alpha],
    [prefix + "dropout", net.dropout],
    [prefix + "clip", net.clip_grad_norm === null ? "" : net.clip_grad_norm],
    [prefix + "mom", net.momentum],
  ];
}

/** The hash for a spec, an epoch (0/null: none) and view options. */
export function toHash(spec, { epoch = 0, lesson = null, showTest = true } = {}) {
  const d = spec.data;
  const pairs = [["data", d.dataset]];
  if (d.dataset === "blobs") pairs.push(["classes", d.classes]);
  if (d.dataset === "csv") {
    pairs.push(["upload", d.upload], ["x1", d.x1], ["x2", d.x2], ["label", d.label]);
  }
  pairs.push(["noise", d.noise], ["n", d.samples], ["test", d.test_share], ["seed", spec.seed]);
  pairs.push(["features", spec.features.join(",")]);
  pairs.push(...netToPairs(spec.lanes[0], ""));
  if (spec.lanes[1]) pairs.push(...netToPairs(spec.lanes[1], "b."));
  if (!showTest) pairs.push(["testpoints", 0]);
  if (lesson) pairs.push(["lesson", lesson]);
  if (epoch) pairs.push(["epoch", epoch]);
  return "#" + pairs.map(([k, v]) => `${k}=${enc(v ?? "")}`).join("&");
}

function parsePairs(hash) {
  const out = new Map();
  const text = hash.replace(/^#/, "");
  if (!text) return out;
  for (const part of text.split("&")) {
    if (!part) continue;
    const at = part.indexOf("=");
    const key = at < 0 ? part : part.slice(0, at);
    const raw = at < 0 ? "" : part.slice(at + 1);
    let value = raw;
    try {
      value = decodeURIComponent(raw.replace(/\+/g, " "));
    } catch (_) { /* keep it raw */ }
    out.set(decodeURIComponent(key), value);
  }
  return out;
}

function netFromPairs(p, prefix, base, limits, activations, inits) {
  const net = clone(base);
  const get = (k) => p.get(prefix + k);
  if (p.has(prefix + "hidden")) {
    const text = get("hidden").trim();
    net.hidden = text === "" ? [] : text.split(",").map((u) => intIn(u, 1, limits.units, 4)).slice(0, limits.layers);
    const acts = (get("act") || "").split(",").filter((a) => activations.includes(a));
    net.activation = net.hidden.map((_, i) => acts[i] || acts[acts.length - 1] || "tanh");
  } else if (p.has(prefix + "act")) {
    const acts = get("act").split(",").filter((a) => activations.includes(a));
    net.activation = net.hidden.map((_, i) => acts[i] || acts[acts.length - 1] || net.activation[i]);
  }
  if (inits.includes(get("init"))) net.init = get("init");
  if (["sgd", "adam"].includes(get("solver"))) net.solver = get("solver");
  net.learning_rate_init = floatIn(get("lr"), 1e-9, 10, net.learning_rate_init);
  net.batch_size = intIn(get("batch"), 1, limits.batch_size, net.batch_size);
  net.alpha = floatIn(get("alpha"), 0, 10, net.alpha);
  net.dropout = floatIn(get("dropout"), 0, 0.9, net.dropout);
  if (p.has(prefix + "clip")) {
    net.clip_grad_norm = floatIn(get("clip"), 1e-9, 1e6, null);
  }
  net.momentum = floatIn(get("mom"), 0, 1, net.momentum);
  return net;
}

/**
 * Read a hash: {spec, epoch, lesson, showTest} or null when it holds no run.
 * Values out of range fall back to the defaults (the server checks again).
 */
export function fromHash(hash, info) {
  const p = parsePairs(hash);
  if (!p.has("data") && !p.has("hidden")) return null;
  const activations = info.activations.filter((a) => a !== "softmax" && a !== "none");
  const limits = info.limits;
  const spec = defaultSpec();
  const d = spec.data;
  if (DATASETS.includes(p.get("data"))) d.dataset = p.get("data");
  d.classes = intIn(p.get("classes"), 2, 4, d.classes);
  d.noise = intIn(p.get("noise"), 0, 50, d.noise);
  d.samples = intIn(p.get("n"), 20, limits.points, d.samples);
  d.test_share = intIn(p.get("test"), 10, 90, d.test_share);
  if (d.dataset === "csv") {
    d.upload = p.get("upload") || null;
    d.x1 = p.get("x1") || null;
    d.x2 = p.get("x2") || null;
    d.label = p.get("label") || null;
  }
  spec.seed = intIn(p.get("seed"), 0, 2 ** 31 - 1, 0);
  if (p.has("features")) {
    const names = p.get("features").split(",").map((f) => f.trim());
    const chosen = FEATURES.filter((f) => names.includes(f));
    if (chosen.length) spec.features = chosen;
  }
  spec.lanes = [netFromPairs(p, "", defaultNetwork(), limits, activations, info.inits)];
  if ([...p.keys()].some((k) => k.startsWith("b."))) {
    spec.lanes.push(netFromPairs(p, "b.", spec.lanes[0], limits, activations, info.inits));
  }
  const epoch = intIn(p.get("epoch"), 0, limits.epochs, 0);
  const lesson = p.get("lesson") || null;
  const showTest = p.get("testpoints") !== "0";
  return { spec, epoch, lesson, showTest };
}
