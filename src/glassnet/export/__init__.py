"""Export trained networks to other runtimes: ONNX, with their preprocessing.

Needs the 'onnx' extra (``pip install 'glassnet[onnx]'``); importing this package
imports none of it, only calling `to_onnx` does.
"""

from glassnet.export._onnx import OnnxValue, onnx_signature, to_onnx

__all__ = ["OnnxValue", "onnx_signature", "to_onnx"]
