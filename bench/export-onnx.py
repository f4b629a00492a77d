#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""export-onnx.py - the face-api networks as ONNX models, from the same tfjs
weights faceaudit loads, for the ONNX Runtime peer of bench/recog.

Exports FaceRecognitionNet, TinyFaceDetector (any input size that is a
multiple of 32) and FaceLandmark68Net (opset 13) following the layer spec in
the reference (faceapi-models.md §3, §5, §6) layer for layer:

  input  "pixels"  N x S x S x 3 float32, the padded and resized RGB pixels
                   0..255 (what image_prepare() gives faceaudit's networks)
  output           recognition: "descriptor" N x 128; landmarks: "landmarks"
                   N x 136; detector: "grid" N x G x G x 25 (NHWC, as ours)

The normalisation is part of the graph, as face-api does it: the mean is
subtracted and then the result divided by 255. The input is transposed to
NCHW first (subtracting a per-channel mean on NHWC input is slow in ONNX
Runtime). Weights are dequantised as tfjs does (q * scale + min in double,
rounded to float32). Batch norm / scale layers stay separate Mul/Add nodes:
ONNX Runtime folds them into the convolutions itself at load.

Needs Debian's python3-onnx (1.12; it brings numpy). Run on demand:
    bench/export-onnx.py [--models DIR] [--tiny-size 416] OUTDIR
"""

import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
FACE_MEAN = (122.782, 117.001, 104.298)
TINY_MEAN = (117.001, 114.697, 97.404)


def load_weights(models, stem):
    """name -> float32 numpy array, dequantised as tfjs does."""
    path = os.path.join(models, stem + "-weights_manifest.json")
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    out = {}
    for group in manifest:
        data = b"".join(open(os.path.join(models, p), "rb").read() for p in group["paths"])
        off = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            q = spec.get("quantization")
            if q is not None:
                qdt = {"uint8": np.uint8, "uint16": np.uint16, "float16": np.float16}[q["dtype"]]
                size = count * np.dtype(qdt).itemsize
                raw = np.frombuffer(data, dtype=qdt, count=count, offset=off)
                if q["dtype"] == "float16":
                    val = raw.astype(np.float32)
                else:
                    val = (raw.astype(np.float64) * q["scale"] + q["min"]).astype(np.float32)
            else:
                size = count * 4
                val = np.frombuffer(data, dtype="<f4", count=count, offset=off).astype(np.float32)
            off += size
            out[spec["name"]] = val.reshape(spec["shape"]) if spec["shape"] else val
        if off != len(data):
            sys.exit(f"{path}: shards hold {len(data)} bytes, tensors {off}")
    return out


def tf_pads(size, k, stride, same):
    """TensorFlow padding of one axis: (output size, before, after)."""
    if not same:
        return (size - k) // stride + 1, 0, 0
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + k - size, 0)
    return out, total // 2, total - total // 2


class Graph:
    def __init__(self, weights):
        self.w = weights
        self.nodes = []
        self.inits = []
        self.n = 0

    def name(self, base):
        self.n += 1
        return f"{base}_{self.n}"

    def const(self, arr, base="c"):
        name = self.name(base)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def op(self, op_type, inputs, **attrs):
        out = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def normalise(self, x, mean):
        x = self.op("Transpose", [x], perm=[0, 3, 1, 2])
        x = self.op("Sub", [x, self.const(np.array(mean, np.float32).reshape(1, 3, 1, 1), "mean")])
        return self.op("Div", [x, self.const(np.array(255.0, np.float32), "d255")])

    def conv(self, x, size, hwio, bias, stride, same, group=1):
        """A conv on NCHW x of spatial size `size` (square); returns (y, out size)."""
        k = hwio.shape[0]
        if group == 1:
            w = hwio.transpose(3, 2, 0, 1)           # HWIO -> OIHW
        else:
            w = hwio.transpose(2, 3, 0, 1)           # [k,k,C,1] -> [C,1,k,k]
        out, b, a = tf_pads(size, k, stride, same)
        ins = [x, self.const(w, "w")]
        if bias is not None:
            ins.append(self.const(bias, "b"))
        y = self.op("Conv", ins, kernel_shape=[k, k], strides=[stride, stride],
                    pads=[b, b, a, a], group=group)
        return y, out

    def maxpool(self, x, size, k, stride, same):
        out, b, a = tf_pads(size, k, stride, same)
        return self.op("MaxPool", [x], kernel_shape=[k, k], strides=[stride, stride],
                       pads=[b, b, a, a]), out

    def channel_affine(self, x, scale, shift):
        x = self.op("Mul", [x, self.const(scale.reshape(1, -1, 1, 1), "s")])
        return self.op("Add", [x, self.const(shift.reshape(1, -1, 1, 1), "t")])

    def model(self, inp, size, out, out_shape, doc):
        g = helper.make_graph(
            self.nodes, doc,
            [helper.make_tensor_value_info(inp, TensorProto.FLOAT, ["N", size, size, 3])],
            [helper.make_tensor_value_info(out, TensorProto.FLOAT, ["N"] + out_shape)],
            self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="faceaudit bench/export-onnx.py")
        m.ir_version = 7
        onnx.checker.check_model(m)
        return m


def recognition(w):
    g = Graph(w)
    size = 150
    x = g.normalise("pixels", FACE_MEAN)

    def unit(x, size, prefix, stride, same, relu):
        y, size = g.conv(x, size, w[prefix + "/conv/filters"], w[prefix + "/conv/bias"],
                         stride, same)
        y = g.channel_affine(y, w[prefix + "/scale/weights"], w[prefix + "/scale/biases"])
        return (g.op("Relu", [y]) if relu else y), size

    x, size = unit(x, size, "conv32_down", 2, False, True)
    x, size = g.maxpool(x, size, 3, 2, False)
    layers = [("conv32_1", 32, 32, False), ("conv32_2", 32, 32, False),
              ("conv32_3", 32, 32, False), ("conv64_down", 32, 64, True),
              ("conv64_1", 64, 64, False), ("conv64_2", 64, 64, False),
              ("conv64_3", 64, 64, False), ("conv128_down", 64, 128, True),
              ("conv128_1", 128, 128, False), ("conv128_2", 128, 128, False),
              ("conv256_down", 128, 256, True), ("conv256_1", 256, 256, False),
              ("conv256_2", 256, 256, False), ("conv256_down_out", 256, 256, True)]
    for name, cin, cout, down in layers:
        u, usize = unit(x, size, name + "/conv1", 2 if down else 1, not down, True)
        u, usize = unit(u, usize, name + "/conv2", 1, True, False)
        if down:
            sc = g.op("AveragePool", [x], kernel_shape=[2, 2], strides=[2, 2])
            psize = (size - 2) // 2 + 1
            if cout > cin:
                sc = g.op("Pad", [sc, g.const(np.array([0, 0, 0, 0, 0, cout - cin, 0, 0],
                                                       np.int64), "pads")])
            if usize < psize:
                d = psize - usize
                u = g.op("Pad", [u, g.const(np.array([0, 0, 0, 0, 0, 0, d, d], np.int64),
                                            "pads")])
            x, size = g.op("Relu", [g.op("Add", [sc, u])]), psize
        else:
            x = g.op("Relu", [g.op("Add", [x, u])])
    x = g.op("GlobalAveragePool", [x])
    x = g.op("Flatten", [x], axis=1)
    x = g.op("MatMul", [x, g.const(w["fc"], "fc")])
    g.nodes[-1].output[0] = "descriptor"
    return g.model("pixels", 150, "descriptor", [128], "FaceRecognitionNet")


def separable(g, w, x, size, prefix, stride):
    c = w[prefix + "/depthwise_filter"].shape[2]
    y, size = g.conv(x, size, w[prefix + "/depthwise_filter"], None, stride, True, group=c)
    return g.conv(y, size, w[prefix + "/pointwise_filter"], w[prefix + "/bias"], 1, False)


def tiny_detector(w, size):
    g = Graph(w)
    x = g.normalise("pixels", TINY_MEAN)
    s = size
    x, s = g.conv(x, s, w["conv0/filters"], w["conv0/bias"], 1, False)
    x = g.op("LeakyRelu", [x], alpha=0.1)
    x, s = g.maxpool(x, s, 2, 2, True)
    for i in range(1, 6):
        x, s = separable(g, w, x, s, f"conv{i}", 1)
        x = g.op("LeakyRelu", [x], alpha=0.1)
        x, s = g.maxpool(x, s, 2, 2 if i < 5 else 1, True)
    x, s = g.conv(x, s, w["conv8/filters"], w["conv8/bias"], 1, False)
    x = g.op("Transpose", [x], perm=[0, 2, 3, 1])
    g.nodes[-1].output[0] = "grid"
    return g.model("pixels", size, "grid", [s, s, 25], "TinyFaceDetector")


def landmarks(w):
    g = Graph(w)
    x = g.normalise("pixels", FACE_MEAN)
    s = 112
    for b in range(4):
        p = f"dense{b}"
        if b == 0:
            o1, s = g.conv(x, s, w[p + "/conv0/filters"], w[p + "/conv0/bias"], 2, True)
        else:
            o1, s = separable(g, w, x, s, p + "/conv0", 2)
        o1 = g.op("Relu", [o1])
        o2, _ = separable(g, w, o1, s, p + "/conv1", 1)
        o3, _ = separable(g, w, g.op("Relu", [g.op("Add", [o1, o2])]), s, p + "/conv2", 1)
        s23 = g.op("Add", [o2, o3])
        o4, _ = separable(g, w, g.op("Relu", [g.op("Add", [o1, s23])]), s, p + "/conv3", 1)
        x = g.op("Relu", [g.op("Add", [o1, g.op("Add", [o2, g.op("Add", [o3, o4])])])])
    x = g.op("GlobalAveragePool", [x])
    x = g.op("Flatten", [x], axis=1)
    x = g.op("MatMul", [x, g.const(w["fc/weights"], "fc")])
    x = g.op("Add", [x, g.const(w["fc/bias"], "fcb")])
    g.nodes[-1].output[0] = "landmarks"
    return g.model("pixels", 112, "landmarks", [136], "FaceLandmark68Net")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = os.path.join(os.environ.get("XDG_DATA_HOME") or
                           os.path.expanduser("~/.local/share"), "faceaudit", "models")
    ap.add_argument("--models", default=os.environ.get("FACEAUDIT_MODELS") or default)
    ap.add_argument("--tiny-size", type=int, default=416)
    ap.add_argument("outdir")
    a = ap.parse_args()
    if a.tiny_size % 32 != 0 or not 32 <= a.tiny_size <= 2048:
        sys.exit("--tiny-size: a multiple of 32 between 32 and 2048")
    os.makedirs(a.outdir, exist_ok=True)
    jobs = [("face_recognition.onnx", lambda: recognition(
                load_weights(a.models, "face_recognition_model"))),
            ("tiny_face_detector.onnx", lambda: tiny_detector(
                load_weights(a.models, "tiny_face_detector_model"), a.tiny_size)),
            ("face_landmark_68.onnx", lambda: landmarks(
                load_weights(a.models, "face_landmark_68_model")))]
    for name, build in jobs:
        path = os.path.join(a.outdir, name)
        tmp = path + ".tmp"
        onnx.save(build(), tmp)
        os.replace(tmp, path)
        print(path)


if __name__ == "__main__":
    main()
