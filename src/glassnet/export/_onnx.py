"""``to_onnx``: a fitted glassnet network, or the pipeline around it, as an ONNX model.

skl2onnx writes the scikit-learn steps (``ColumnTransformer``, ``SimpleImputer``,
``StandardScaler``, ``OneHotEncoder``, ...) and, through the converters
`glassnet.export._converters` registers, the network. What is decided here is what
skl2onnx cannot guess from a fitted pipeline: the model's inputs (one per column for
a pipeline fed a data frame, text where an encoder learnt text categories) and how a
missing category is written (an empty string: ONNX text has no NaN).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._extras import need

if TYPE_CHECKING:
    import onnx


@dataclass(frozen=True)
class OnnxValue:
    """An input or output of an ONNX model: its name, element type and shape.

    Attributes
    ----------
    name : str
        What ``onnxruntime`` calls it (a key of the inputs' dict, a name of ``run``'s
        outputs).
    type : str
        The element type: 'float', 'double', 'int64' or 'string'.
    shape : tuple of int or None
        None for a dimension of any size (the number of rows).
    """

    name: str
    type: str
    shape: tuple[int | None, ...]

    def __str__(self) -> str:
        dims = ", ".join("N" if d is None else str(d) for d in self.shape)
        return f"{self.name} ({self.type}[{dims}])"


def to_onnx(model: Any, *, target_opset: int | None = None) -> onnx.ModelProto:
    """Convert a fitted network, or a fitted pipeline ending in one, to an ONNX model.

    The graph is the inference network (dropout acts only in training), each
    activation written with ONNX's own operator where the opset has one. A pipeline's
    preprocessing is written too, step by step, by skl2onnx's converters; a pipeline
    fitted on a data frame gets one input per column, named after it, of shape
    ``(N, 1)``: 'string' where an encoder learnt text categories (a missing one is
    the empty string), 'float' elsewhere (a missing number is NaN). Other models get
    one 'float' input ``X`` of shape ``(N, n_features)``.

    A classifier has two outputs, ``label`` (``predict``) and ``probabilities``
    (``predict_proba``, a plain ``(N, n_classes)`` tensor); a regressor one,
    ``variable``, shaped ``(N, n_outputs)``. Computed in float32, they agree with
    glassnet's well within 1e-5 (about 1e-7 for small networks).

    Parameters
    ----------
    model : MLPClassifier or sklearn.pipeline.Pipeline
        Fitted; a pipeline's last step a glassnet network (as ``glassnet train``
        saves).
    target_opset : int, optional
        The ONNX opset to write; by default the newest skl2onnx is tested with.

    Returns
    -------
    onnx.ModelProto
        Save it with ``model.SerializeToString()``; run it with
        ``onnxruntime.InferenceSession``.

    Raises
    ------
    MissingExtraError
        Without the 'onnx' extra (skl2onnx, onnx, onnxruntime).
    ValueError
        If the model is not fitted, does not end in a glassnet network, holds a step
        with no ONNX converter (the message names it), or is a multilabel classifier.

    Examples
    --------
    >>> import numpy as np, onnxruntime
    >>> from sklearn.datasets import make_moons
    >>> from glassnet import MLPClassifier
    >>> from glassnet.export import to_onnx
    >>> X, y = make_moons(100, noise=0.2, random_state=0)
    >>> clf = MLPClassifier((8,), activation="gelu", max_iter=300, random_state=0).fit(X, y)
    >>> session = onnxruntime.InferenceSession(to_onnx(clf).SerializeToString())
    >>> label, proba = session.run(None, {"X": X.astype(np.float32)})
    >>> bool(np.abs(proba - clf.predict_proba(X)).max() < 1e-5)
    True
    """
    need("onnx")
    import skl2onnx
    from sklearn.base import is_classifier

    from glassnet.export._converters import check_classifier, register_converters

    register_converters()
    _network_of(model)
    _check_steps(model)
    model = _text_missing_as_empty(model)
    network = _network_of(model)
    options = {}
    if is_classifier(network):
        check_classifier(network)
        options = {id(network): {"zipmap": False}}  # plain tensors, not a list of dicts
    return skl2onnx.to_onnx(
        model,
        initial_types=_input_types(model),
        target_opset=target_opset,
        options=options,
    )


def onnx_signature(proto: onnx.ModelProto) -> tuple[list[OnnxValue], list[OnnxValue]]:
    """List an ONNX model's inputs and outputs.

    Parameters
    ----------
    proto : onnx.ModelProto
        The model, as `to_onnx` returns it.

    Returns
    -------
    inputs, outputs : list of OnnxValue
    """
    from onnx import helper

    def value(info: Any) -> OnnxValue:
        tensor = info.type.tensor_type
        kind = helper.tensor_dtype_to_np_dtype(tensor.elem_type)
        dims = tuple(d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim)
        return OnnxValue(
            info.name, _TYPE_NAMES.get(kind.kind + str(kind.itemsize), str(kind)), dims
        )

    return [value(i) for i in proto.graph.input], [value(o) for o in proto.graph.output]


def example_inputs(model: Any) -> dict[str, np.ndarray]:
    """One row of inputs for `model`'s ONNX form: 0 for every number, a known category for text.

    Parameters
    ----------
    model : MLPClassifier or sklearn.pipeline.Pipeline
        The model given to `to_onnx`.

    Returns
    -------
    dict of str to ndarray
        onnxruntime's inputs (``session.run(None, inputs)``): float32 arrays, and
        arrays of str for text columns.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    first = model.steps[0][1] if isinstance(model, Pipeline) else model
    columns = getattr(first, "feature_names_in_", None)
    if not (isinstance(first, ColumnTransformer) and columns is not None):
        return {"X": np.zeros((1, int(model.n_features_in_)), dtype=np.float32)}
    text = _text_columns(first)
    return {
        str(c): np.array([[text[c][0]]]) if c in text else np.zeros((1, 1), dtype=np.float32)
        for c in columns
    }


def onnxruntime_difference(proto: onnx.ModelProto, model: Any, inputs: dict[str, Any]) -> float:
    """Run `proto` in onnxruntime and `model` in glassnet on the same rows; compare.

    Parameters
    ----------
    proto : onnx.ModelProto
        `to_onnx`'s result for `model`.
    model : MLPClassifier or sklearn.pipeline.Pipeline
        The model converted.
    inputs : dict of str to ndarray
        onnxruntime's inputs, as `example_inputs` makes them.

    Returns
    -------
    float
        The largest difference between the probabilities (a classifier's) or the
        predictions (a regressor's), relative to the value where that exceeds 1 in
        size: onnxruntime computes in float32, which keeps about 7 significant
        digits, so a prediction of 150 agrees to about 1e-5 at best.
    """
    need("onnx")
    import onnxruntime
    import pandas as pd
    from sklearn.base import is_classifier

    session = onnxruntime.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    outputs = session.run(None, inputs)
    if list(inputs) == ["X"]:
        rows: Any = inputs["X"]
    else:
        rows = pd.DataFrame({name: values[:, 0] for name, values in inputs.items()})
    if is_classifier(model):
        ours, theirs = model.predict_proba(rows), outputs[1]
    else:
        ours, theirs = model.predict(rows), outputs[0]
    ours = np.reshape(ours, np.shape(theirs))
    return float(np.max(np.abs(ours - theirs) / np.maximum(1.0, np.abs(ours))))


def onnxruntime_example(path: str, inputs: dict[str, np.ndarray]) -> str:
    """Write one line of Python that runs the ONNX file at `path` on `inputs` and prints.

    Parameters
    ----------
    path : str
        The ONNX file.
    inputs : dict of str to ndarray
        One row of inputs, as `example_inputs` makes them.

    Returns
    -------
    str
        Python code, e.g. ``import numpy as np, onnxruntime as ort; print(...)``.
    """
    # Strings in double quotes (JSON's are Python's too), so a shell quotes the line simply.
    feeds = ", ".join(
        f"{json.dumps(name)}: np.array({_literal(values.tolist())}"
        + (", np.float32)" if values.dtype.kind == "f" else ")")
        for name, values in inputs.items()
    )
    return (
        "import numpy as np, onnxruntime as ort; "
        f"print(ort.InferenceSession({json.dumps(path)}).run(None, {{{feeds}}}))"
    )


def _literal(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return json.dumps(value) if isinstance(value, str) else repr(value)


_TYPE_NAMES = {"f4": "float", "f8": "double", "i8": "int64", "O8": "string", "b1": "bool"}


def _network_of(model: Any) -> Any:
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    import glassnet.nn

    network = model.steps[-1][1] if isinstance(model, Pipeline) else model
    names = ("MLPClassifier", "MLPRegressor")  # the regressor, where this glassnet has one
    kinds = tuple(getattr(glassnet.nn, name) for name in names if hasattr(glassnet.nn, name))
    if not isinstance(network, kinds):
        raise ValueError(
            f"to_onnx converts a glassnet network or a pipeline ending in one; received "
            f"{type(model).__name__}"
            + (f" ending in {type(network).__name__}" if network is not model else "")
            + ". For scikit-learn's own estimators use skl2onnx.to_onnx."
        )
    check_is_fitted(network)
    return network


def _check_steps(model: Any) -> None:
    """Refuse a pipeline holding a step that skl2onnx cannot write, naming the step."""
    from skl2onnx._supported_operators import sklearn_operator_name_map

    for path, step in _steps(model):
        if type(step) not in sklearn_operator_name_map:
            raise ValueError(
                f"step {path!r} ({type(step).__module__}.{type(step).__name__}) has no ONNX "
                "converter, so the pipeline cannot be exported whole. Export the network "
                "alone (to_onnx(pipeline[-1])) and run that step before it, or register a "
                "converter for it with skl2onnx.update_registered_converter."
            )


def _steps(model: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every estimator in `model`, nested pipelines and column transformers opened."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import FeatureUnion, Pipeline

    if isinstance(model, str):  # 'drop', 'passthrough'
        return []
    if isinstance(model, Pipeline):
        parts = model.steps
    elif isinstance(model, ColumnTransformer):
        parts = [(name, step) for name, step, _ in model.transformers_]
    elif isinstance(model, FeatureUnion):
        parts = model.transformer_list
    else:
        return [(path or type(model).__name__, model)]
    return [
        found
        for name, step in parts
        for found in _steps(step, f"{path} > {name}" if path else name)
    ]


def _text_missing_as_empty(model: Any) -> Any:
    """Copy `model` so that its imputers of text columns take the empty string as missing.

    The training data's missing text was NaN, which an ONNX string tensor cannot
    hold (skl2onnx refuses such imputers); the model itself is left unchanged.
    """
    from sklearn.impute import SimpleImputer

    text = {
        id(step)
        for _, step in _steps(model)
        if isinstance(step, SimpleImputer)
        and all(isinstance(value, str) for value in step.statistics_)
        and not isinstance(step.missing_values, str)
    }
    if not text:
        return model
    copied = copy.deepcopy(model)  # the same steps, in the same order
    for (_, step), (_, original) in zip(_steps(copied), _steps(model), strict=True):
        if id(original) in text:
            step.missing_values = ""
    return copied


def _input_types(model: Any) -> list[tuple[str, Any]]:
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    first = model.steps[0][1] if isinstance(model, Pipeline) else model
    columns = getattr(first, "feature_names_in_", None)
    if isinstance(first, ColumnTransformer) and columns is not None:
        text = _text_columns(first)
        return [
            (str(c), StringTensorType([None, 1]) if c in text else FloatTensorType([None, 1]))
            for c in columns
        ]
    return [("X", FloatTensorType([None, int(model.n_features_in_)]))]


def _text_columns(columns: Any) -> dict[str, list[str]]:
    """Map the columns of a fitted ColumnTransformer whose encoder learnt text to those."""
    text = {}
    for _, transformer, names in columns.transformers_:
        for _, step in _steps(transformer):
            categories = getattr(step, "categories_", None)
            if categories is None or isinstance(names, str):
                continue
            text.update(
                (name, [str(value) for value in values])
                for name, values in zip(names, categories, strict=False)
                if np.asarray(values).dtype.kind in "OUS"
            )
    return text
