"""skl2onnx converters for glassnet's networks: how a fitted network is written in ONNX.

skl2onnx converts a pipeline step by step, looking each step's type up in its
registry; `register_converters` adds glassnet's estimators to it. Every network is
written the same way, one dense layer after the other::

    z = x @ W + b                # Gemm, (n_samples, units)
    x = f(z)                     # the activation's own ONNX form (Activation.onnx)

and differs only in its outputs: a classifier's label and probabilities (as
skl2onnx writes scikit-learn's ``MLPClassifier``), a regressor's predictions. Dropout
only acts in training, so the graph is the inference network.

This module imports skl2onnx: import it only after ``glassnet._extras.need("onnx")``.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import guess_numpy_type
from skl2onnx.common.shape_calculator import (
    calculate_linear_classifier_output_shapes,
    calculate_linear_regressor_output_shapes,
)

from glassnet.nn._activations import ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation

Array = np.ndarray


class GraphNodes:
    """Adds nodes to the graph skl2onnx is building: the ``OnnxNode`` activations write with.

    ``nodes(op_type, *inputs, **attributes)`` adds one node and returns its output's
    name; an input that is not a name (a number, an array) becomes a constant of the
    graph's float type.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
        Hands out unique names.
    container : skl2onnx.common._container.ModelComponentContainer
        Receives the nodes and constants.
    dtype : numpy dtype
        The float type of the network's values (float32 unless the input is float64).
    """

    def __init__(self, scope: Any, container: Any, dtype: np.dtype) -> None:
        self.scope = scope
        self.container = container
        self.dtype = np.dtype(dtype)
        self.opset: int = container.target_opset

    def __call__(self, op_type: str, *inputs: str | float | Array, **attributes: Any) -> str:
        """Add one ``op_type`` node and return the name of its output."""
        names = [x if isinstance(x, str) else self.constant(x) for x in inputs]
        out = self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type, names, out, name=self.scope.get_unique_operator_name(op_type), **attributes
        )
        return out

    def constant(self, value: float | Array) -> str:
        """Add a constant and return its name: numbers in the graph's float type."""
        array = np.asarray(value)
        if array.dtype.kind == "f" or isinstance(value, int | float):  # numbers: the float type
            array = array.astype(self.dtype)
        name = self.scope.get_unique_variable_name("constant")
        proto = _PROTO_TYPES[array.dtype.kind if array.dtype.kind in "OUS" else array.dtype.name]
        content = [s.encode() for s in array.ravel()] if proto == TensorProto.STRING else array
        self.container.add_initializer(name, proto, list(array.shape), content)
        return name


_PROTO_TYPES = {
    "float32": TensorProto.FLOAT,
    "float64": TensorProto.DOUBLE,
    "int64": TensorProto.INT64,
    "O": TensorProto.STRING,
    "U": TensorProto.STRING,
    "S": TensorProto.STRING,
}


def hidden_activation_names(network: Any) -> list[str]:
    """Name the activation of each hidden layer of a fitted network.

    Parameters
    ----------
    network : estimator
        A fitted glassnet network, or anything shaped like scikit-learn's MLPs
        (``coefs_`` and one ``activation`` for every hidden layer).

    Returns
    -------
    list of str
        One name per hidden layer.
    """
    fitted = getattr(network, "_hidden_acts", None)  # glassnet: the ones it trained with
    if fitted is not None:
        return [act.name for act in fitted]
    return [network.activation] * (len(network.coefs_) - 1)


def hidden_layers(nodes: GraphNodes, network: Any, x: str) -> str:
    """Write every hidden layer of `network` on the graph value `x`; return the last output.

    Parameters
    ----------
    nodes : GraphNodes
        Where to write.
    network : estimator
        A fitted network (``coefs_``, ``intercepts_``, its hidden activations).
    x : str
        The name of the network's input, ``(n_samples, n_features)``.

    Returns
    -------
    str
        The name of the last hidden layer's output (``x`` when there is none).
    """
    names = hidden_activation_names(network)
    layers = zip(network.coefs_[:-1], network.intercepts_[:-1], names, strict=True)
    for coef, intercept, name in layers:
        x = _onnx_form(ACTIVATIONS.get(name), name)(nodes, _dense(nodes, x, coef, intercept))
    return x


def output_layer(nodes: GraphNodes, network: Any, x: str) -> str:
    """Write the output layer and its activation (``out_activation_``); return its output."""
    name = network.out_activation_
    # scikit-learn's regressor names 'identity', which glassnet keeps with the hidden ones.
    activation = OUTPUT_ACTIVATIONS.get(name) or ACTIVATIONS.get(name)
    z = _dense(nodes, x, network.coefs_[-1], network.intercepts_[-1])
    return _onnx_form(activation, name)(nodes, z)  # (n_samples, n_outputs)


def _dense(nodes: GraphNodes, x: str, coef: Array, intercept: Array) -> str:
    return nodes("Gemm", x, coef, intercept)  # x @ W + b, (n_samples, fan_out)


def _onnx_form(activation: Activation | None, name: str) -> Any:
    if activation is None or activation.onnx is None:
        raise ValueError(
            f"activation {name!r} has no ONNX form, so this network cannot be exported: "
            "give it one (Activation.onnx in glassnet/nn/_activations.py), or train the "
            "network with another activation."
        )
    return activation.onnx


# ------------------------------------------------------------------ classifier


def convert_classifier(scope: Any, operator: Any, container: Any) -> None:
    """Write a classifier: outputs ``label`` (n_samples,) and ``probabilities`` (n_samples, C).

    The probabilities are ``predict_proba``'s (``[1 - p, p]`` for two classes), the
    label the class of the highest one, as ``predict`` picks it.
    """
    network = operator.raw_operator
    nodes = GraphNodes(scope, container, _float_type(operator))
    out = output_layer(nodes, network, hidden_layers(nodes, network, _input(nodes, operator)))
    if network.n_outputs_ == 1:  # two classes: the unit gives the second one's probability
        out = nodes("Concat", nodes("Sub", 1.0, out), out, axis=1)
    proba = operator.outputs[1].full_name
    container.add_node("Identity", [out], [proba], name=scope.get_unique_operator_name("Proba"))
    best = nodes("ArgMax", proba, axis=1, keepdims=0)  # (n_samples,)
    classes = nodes.constant(_onnx_classes(network))
    container.add_node(
        "Gather",
        [classes, best],
        [operator.outputs[0].full_name],
        axis=0,
        name=scope.get_unique_operator_name("Label"),
    )


def check_classifier(network: Any) -> None:
    """Refuse, with what to do instead, a classifier this module cannot write.

    Raises
    ------
    ValueError
        For a multilabel network, or class labels that are neither text nor integers.
    """
    # Several logistic outputs: one yes/no per label (a single one is the binary case).
    if network.out_activation_ == "logistic" and network.n_outputs_ > 1:
        raise ValueError(
            "this network was trained on several labels per sample (multilabel); ONNX "
            "export writes binary and multiclass classifiers only. Export one network "
            "per label instead."
        )
    _onnx_classes(network)


def _onnx_classes(network: Any) -> Array:
    # ONNX labels are text or int64, as skl2onnx's shape calculator declares them.
    classes = np.asarray(network.classes_)
    if classes.dtype.kind in "OUS":
        return classes.astype(str).astype(object)
    if classes.dtype.kind in "biu" or (
        classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes))
    ):
        return classes.astype(np.int64)
    raise ValueError(
        f"the network's classes are {classes.tolist()!r}: ONNX labels are text or integers. "
        "Train it on integer or text labels to export it."
    )


# ------------------------------------------------------------------ regressor


def convert_regressor(scope: Any, operator: Any, container: Any) -> None:
    """Write a regressor: output ``variable`` (n_samples, n_outputs), ``predict``'s values."""
    network = operator.raw_operator
    nodes = GraphNodes(scope, container, _float_type(operator))
    out = output_layer(nodes, network, hidden_layers(nodes, network, _input(nodes, operator)))
    container.add_node(
        "Identity",
        [out],
        [operator.outputs[0].full_name],
        name=scope.get_unique_operator_name("Prediction"),
    )


# ------------------------------------------------------------------ registration


def register_converters() -> None:
    """Tell skl2onnx how to convert glassnet's estimators (again is harmless).

    After this, ``skl2onnx.to_onnx`` converts glassnet's ``MLPClassifier`` (and
    ``MLPRegressor``, where this glassnet has one), alone or in a pipeline.
    """
    nn = importlib.import_module("glassnet.nn")
    update_registered_converter(
        nn.MLPClassifier,
        "GlassnetMLPClassifier",
        calculate_linear_classifier_output_shapes,
        convert_classifier,
        options={"zipmap": [True, False, "columns"], "nocl": [True, False]},
    )
    regressor = getattr(nn, "MLPRegressor", None)
    if regressor is not None:
        update_registered_converter(
            regressor,
            "GlassnetMLPRegressor",
            calculate_linear_regressor_output_shapes,
            convert_regressor,
        )


def _input(nodes: GraphNodes, operator: Any) -> str:
    name = operator.inputs[0].full_name
    if guess_numpy_type(operator.inputs[0].type) == nodes.dtype:
        return name
    return nodes("Cast", name, to=_PROTO_TYPES[nodes.dtype.name])  # integer or boolean input


def _float_type(operator: Any) -> np.dtype:
    # The network computes in its input's type: float64 only when given float64.
    return np.dtype(
        np.float64 if guess_numpy_type(operator.inputs[0].type) == np.float64 else np.float32
    )
