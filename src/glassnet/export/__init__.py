"""Export trained networks to other runtimes: ONNX, with their preprocessing.

Needs the 'onnx' extra (``pip install 'glassnet[onnx]'``); importing this package
imports none of it, only calling `to_onnx` and the functions that run a model do.
"""

from glassnet.export._onnx import (
    OnnxValue,
    example_inputs,
    onnx_signature,
    onnxruntime_difference,
    onnxruntime_example,
    to_onnx,
)

__all__ = [
    "OnnxValue",
    "example_inputs",
    "onnx_signature",
    "onnxruntime_difference",
    "onnxruntime_example",
    "to_onnx",
]
