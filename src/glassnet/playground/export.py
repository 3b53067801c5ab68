"""The page's run as a Python script: the same data, seed and epochs give the same numbers.

:func:`script` writes what a student would have typed: draw (or read) the data,
split it, fill and scale it as the course does, add Playground's features, train
``MLPClassifier`` for the page's epochs, and print the losses, accuracies and the
health report the page showed. With ``library='sklearn'`` the same script runs on
scikit-learn's ``MLPClassifier``, where the settings are ones it has.
"""

from __future__ import annotations

import inspect
from typing import Literal

from glassnet.playground import datasets
from glassnet.playground.spec import NetworkSpec, RunSpec

# What scikit-learn's MLPClassifier can train of a network spec.
SKLEARN_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
_FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 * x1",
    "x2^2": "x2 * x2",
    "x1*x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)",
    "sin(x2)": "np.sin(x2)",
}


def sklearn_gaps(net: NetworkSpec) -> list[str]:
    """List what of this network scikit-learn's MLPClassifier lacks (empty: it can train it)."""
    gaps = []
    if len(set(net.activation)) > 1:
        gaps.append("one activation per layer (scikit-learn has one for all layers)")
    others = sorted(set(net.activation) - set(SKLEARN_ACTIVATIONS))
    if others:
        gaps.append(
            f"the {', '.join(others)} activation (scikit-learn has identity, "
            "logistic, tanh and relu)"
        )
    if net.init != "auto":
        gaps.append(f"init={net.init!r} (scikit-learn has its own scheme only)")
    if net.dropout:
        gaps.append("dropout")
    if net.clip_grad_norm is not None:
        gaps.append("clip_grad_norm")
    return gaps


def script(
    spec: RunSpec,
    lane: int,
    epochs: int,
    library: Literal["glassnet", "sklearn"] = "glassnet",
    file_name: str | None = None,
    delimiter: str = ",",
    batch_size: int | None = None,
) -> str:
    """Write the Python script that trains lane ``lane`` of ``spec`` for ``epochs`` epochs.

    Parameters
    ----------
    spec : RunSpec
        The page's state.
    lane : int
        Which network (0, or 1 side by side).
    epochs : int
        Where the page was.
    library : {'glassnet', 'sklearn'}, default='glassnet'
        Whose ``MLPClassifier``; 'sklearn' raises ValueError naming what it lacks.
    file_name : str, optional
        The CSV file's name, for the Titanic file and uploads.
    delimiter : str, default=','
        The file's delimiter.
    batch_size : int, optional
        The batch size the page trained with, when it clipped the spec's to the rows.

    Returns
    -------
    str
        A script that runs as it is (``python script.py``).
    """
    net = spec.lanes[lane]
    if library == "sklearn" and sklearn_gaps(net):
        raise ValueError(
            "scikit-learn's MLPClassifier cannot train this network: it lacks "
            + "; ".join(sklearn_gaps(net))
            + "."
        )
    epochs = max(int(epochs), 1)
    file_data = spec.data.dataset in ("titanic", "csv")
    data_code, functions, imports = _data_code(spec, file_name, delimiter)
    imports |= {
        ("warnings", None),
        ("pandas", "pd"),
        ("sklearn.exceptions", "ConvergenceWarning"),
        ("sklearn.metrics", "log_loss"),
        ("sklearn.model_selection", "train_test_split"),
        ("sklearn.pipeline", "make_pipeline"),
        ("sklearn.preprocessing", "StandardScaler"),
    }
    steps = ["StandardScaler()"]
    if file_data:
        imports.add(("sklearn.impute", "SimpleImputer"))
        steps.insert(0, "SimpleImputer()")
    if library == "glassnet":
        imports |= {("glassnet", "MLPClassifier"), ("glassnet.workflow.plane", "PlaneFeatures")}
        steps.append(f"PlaneFeatures({_literal(spec.features)})")
    else:
        imports |= {
            ("numpy", "np"),
            ("sklearn.neural_network", "MLPClassifier"),
            ("sklearn.preprocessing", "FunctionTransformer"),
        }
        columns = ", ".join(_FEATURE_CODE[f] for f in spec.features)
        functions.append(
            "def playground_features(X):\n"
            f'    """Playground\'s input features: {", ".join(spec.features)}."""\n'
            "    X = np.asarray(X)\n"
            "    x1, x2 = X[:, 0], X[:, 1]\n"
            f"    return np.column_stack([{columns}])\n"
        )
        steps.append("FunctionTransformer(playground_features)")
    steps.append(_estimator_code(net, library, batch_size))
    which = f"network {'AB'[lane]}" if len(spec.lanes) > 1 else "the network"
    head = f"""\"\"\"glassnet playground: {which} after {epochs} epochs.

Data: {_data_words(spec)}.
The page's run, step by step: the same data, seed and epochs give the same
weights and numbers as the page showed ({library}'s MLPClassifier).
\"\"\"

{_import_lines(imports)}
"""
    fill = "Fill and scale" if file_data else "Scale"
    body = f"""SEED = {spec.seed}
EPOCHS = {epochs}  # where the page was

{data_code}X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size={spec.data.test_share / 100!r}, random_state=SEED, stratify=y
)

# {fill} as the course does (fitted on the training rows), then the input features.
model = make_pipeline(
{"".join(f"    {step},{chr(10)}" for step in steps)})
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # stopping at EPOCHS is the point
    model.fit(X_train, y_train)

network = model[-1]
print(f"epoch {{network.n_iter_}}: loss {{network.loss_:.4f}} (as fit reports it)")
for name, X_, y_ in (("training", X_train, y_train), ("test", X_test, y_test)):
    loss = log_loss(y_, model.predict_proba(X_), labels=network.classes_)
    print(f"{{name}}: log loss {{loss:.4f}}, accuracy {{model.score(X_, y_):.3f}}")
"""
    if library == "glassnet":
        body += "print(network.diagnose())\n"
    parts = [head.rstrip("\n"), *(f.rstrip("\n") for f in functions), body.rstrip("\n")]
    return "\n\n\n".join(parts) + "\n"


def _estimator_code(net: NetworkSpec, library: str, batch_size: int | None) -> str:
    params = net.estimator_params(seed=0, max_iter=0)
    params["batch_size"] = batch_size or net.batch_size
    if library == "sklearn":
        params["activation"] = net.activation[0] if net.activation else "relu"
        for name in ("init", "dropout", "clip_grad_norm"):
            params.pop(name)
    else:
        for name, default in (("init", "auto"), ("dropout", 0.0), ("clip_grad_norm", None)):
            if params[name] == default:
                params.pop(name)
    params["max_iter"] = "EPOCHS"
    params["n_iter_no_change"] = "EPOCHS"
    params["random_state"] = "SEED"
    code = {"max_iter", "n_iter_no_change", "random_state"}
    args = "".join(f"        {k}={v if k in code else _literal(v)},\n" for k, v in params.items())
    # n_iter_no_change=EPOCHS: the stopping rule never ends training before EPOCHS.
    return f"MLPClassifier(\n{args}    )"


def _literal(value: object) -> str:
    """Python source for a parameter value, strings in double quotes (as ruff formats)."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def _data_code(spec: RunSpec, file_name: str | None, delimiter: str) -> tuple:
    """Write the lines that make X (a two-column frame) and y, the functions they call, imports."""
    data = spec.data
    noise = data.noise / 100
    header = f"# The data: {_data_words(spec)}."
    if data.dataset in ("titanic", "csv"):
        x1, x2, label = (
            datasets.COURSE_COLUMNS if data.dataset == "titanic" else (data.x1, data.x2, data.label)
        )
        name = file_name or (datasets.COURSE_FILE if data.dataset == "titanic" else "data.csv")
        sep = "" if delimiter == "," else f", sep={_literal(delimiter)}"
        lines = [
            header,
            f"data = pd.read_csv({_literal(name)}{sep})",
            f"data = data.dropna(subset=[{_literal(label)}]).reset_index(drop=True)",
            f"X = data[[{_literal(x1)}, {_literal(x2)}]]",
            f"if {data.samples} < len(X):  # a sample of the rows, as the page drew",
            f"    X = X.sample(n={data.samples}, random_state=SEED)",
            f"y = data.loc[X.index, {_literal(label)}].to_numpy()",
            "X = X.reset_index(drop=True)",
        ]
        return "\n".join(lines) + "\n", [], set()
    generators = {
        "moons": ("make_moons", f"noise={noise!r}"),
        "circles": ("make_circles", f"noise={noise!r}, factor=0.5"),
        "xor": ("make_xor", f"noise={noise!r}"),
        "spiral": ("make_spiral", f"noise={noise!r}"),
        "blobs": (
            "make_blobs",
            f"centers=blob_centers({data.classes}), cluster_std={0.5 + 3 * noise!r}",
        ),
    }
    function, args = generators[data.dataset]
    imports: set[tuple[str, str | None]] = set()
    functions = []
    if data.dataset in ("moons", "circles", "blobs"):
        imports.add(("sklearn.datasets", function))
    if data.dataset in ("xor", "spiral", "blobs"):
        imports.add(("numpy", "np"))
        defined = datasets.blob_centers if data.dataset == "blobs" else getattr(datasets, function)
        functions.append(inspect.getsource(defined))
    lines = [
        header,
        f"X, y = {function}(n_samples={data.samples}, {args}, random_state=SEED)",
        'X = pd.DataFrame(X, columns=["x1", "x2"])',
    ]
    return "\n".join(lines) + "\n\n", functions, imports


def _data_words(spec: RunSpec) -> str:
    data = spec.data
    if data.dataset == "titanic":
        return f"the course's Titanic file (Pclass, Age), {data.test_share} % held out"
    if data.dataset == "csv":
        return f"{data.x1} and {data.x2} of the uploaded file, {data.test_share} % held out"
    kind = f"{data.classes} Gaussian blobs" if data.dataset == "blobs" else data.dataset
    return f"{kind}, {data.samples} points, noise {data.noise} %, {data.test_share} % held out"


def _import_lines(imports: set[tuple[str, str | None]]) -> str:
    """Import statements grouped and sorted as ruff's isort writes them.

    ``(module, None)`` is ``import module``; ``('numpy', 'np')`` and ``('pandas',
    'pd')`` are imported under those names; others are ``from module import name``.
    """
    aliases = {"numpy": "np", "pandas": "pd"}
    groups: dict[str, dict[str, set[str]]] = {"stdlib": {}, "third": {}, "first": {}}
    for module, name in imports:
        group = (
            "stdlib"
            if module == "warnings"
            else "first"
            if module.startswith("glassnet")
            else "third"
        )
        names = groups[group].setdefault(module, set())
        if name is not None and aliases.get(module) != name:
            names.add(name)
    blocks = []
    for group in groups.values():
        lines = []
        for module in sorted(group, key=lambda m: (bool(group[m]), m)):
            if not group[module]:
                alias = aliases.get(module)
                lines.append(f"import {module}" + (f" as {alias}" if alias else ""))
            else:
                lines.append(f"from {module} import {', '.join(sorted(group[module]))}")
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
