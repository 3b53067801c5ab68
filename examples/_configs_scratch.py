"""Scratch exploration: configurations for the training-pathology demonstrations.

Not part of the library. Run: /tmp/venv/bin/python examples/_configs_scratch.py [a|b|c|d]
"""
from __future__ import annotations

import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from glassnet import MLPClassifier, TrainingDivergedError
from glassnet.nn._activations import OUTPUT_ACTIVATIONS, get_activation
from glassnet.nn._network import Network


def data(name, n=None, seed=0):
    if name == "moons":
        X, y = make_moons(n or 500, noise=0.2, random_state=seed)
    elif name == "clf":
        X, y = make_classification(n or 1000, n_features=20, n_informative=10,
                                   random_state=seed)
    elif name == "cancer":
        X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return X, y


def acts_of(clf):
    h = list(clf.hidden_layer_sizes)
    a = clf.activation
    return [a] * len(h) if isinstance(a, str) else list(a)


def layer_grad_norms(clf, X, y, net_cache={}):
    hidden = list(clf.hidden_layer_sizes)
    units = [X.shape[1], *hidden, clf.n_outputs_]
    key = (id(clf), tuple(units))
    net = net_cache.get(key)
    if net is None:
        net = Network(units, [get_activation(a) for a in acts_of(clf)],
                      OUTPUT_ACTIVATIONS[clf.out_activation_], np.dtype("float64"))
        net_cache[key] = net
    net.set_parameters(clf.coefs_, clf.intercepts_)
    Y = clf._label_binarizer.transform(y).astype(bool)
    loss = net.loss_and_gradient(X, Y, None, clf.alpha)
    return loss, [float(np.linalg.norm(g)) for g in net.coef_grads]


def unit_stats(clf, X):
    """Per hidden layer: saturated fraction (logistic/tanh), dead fraction (<=0 all samples),
    exactly-zero fraction (==0 all samples)."""
    out = []
    for A, act in zip(clf.hidden_activations(X), acts_of(clf)):
        if act == "logistic":
            sat = ((A < 0.02) | (A > 0.98)).mean(axis=0) > 0.99
        elif act == "tanh":
            sat = (np.abs(A) > 0.96).mean(axis=0) > 0.99
        else:
            sat = np.zeros(A.shape[1], bool)
        out.append(dict(sat=float(sat.mean()),
                        dead=float((A <= 0).all(axis=0).mean()),
                        zero=float((A == 0).all(axis=0).mean())))
    return out


def run(params, X, y, epochs, measure=True):
    """fit for `epochs` epochs with a callback measuring diagnostics after each."""
    rows = []
    clf = MLPClassifier(**params, max_iter=epochs)

    def cb(rec):
        if measure:
            with np.errstate(all="ignore"):
                loss, g = layer_grad_norms(clf, X, y)
                try:
                    acc = float(clf.score(X, y))
                except ValueError:  # non-finite outputs
                    acc = float("nan")
                rows.append(dict(epoch=rec["epoch"], loss=rec["loss"], full_loss=loss,
                                 gn=rec["grad_norm"], g=g,
                                 ratio=g[0] / g[-1] if g[-1] else np.inf,
                                 units=unit_stats(clf, X), acc=acc))
        return False

    clf.callbacks = [cb]
    diverged = None
    conv_warn = False
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            clf.fit(X, y)
        except TrainingDivergedError as e:
            diverged = len(clf.history_) + 1
        conv_warn = any(issubclass(x.category, ConvergenceWarning) for x in w)
    secs = time.perf_counter() - t0
    # pure fit time without the callback
    clf2 = MLPClassifier(**params, max_iter=epochs)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            clf2.fit(X, y)
        except TrainingDivergedError:
            pass
    fit_secs = time.perf_counter() - t0
    return dict(clf=clf, rows=rows, hist=clf.history_, diverged=diverged,
                conv_warn=conv_warn, secs=secs, fit_secs=fit_secs,
                acc=rows[-1]["acc"] if rows else None)


def fmt_units(u, key):
    return "[" + " ".join(f"{d[key]:.2f}" for d in u) + "]"


def show(name, r, every=None):
    rows = r["rows"]
    print(f"--- {name}: fit {r['fit_secs']:.2f}s, diverged={r['diverged']}, "
          f"convwarn={r['conv_warn']}, epochs={len(r['hist'])}")
    if not rows:
        return
    n = len(rows)
    idx = sorted(set([0, 1, 2, 4, 9, 19, 49, n - 1] if every is None else range(0, n, every)) | {n - 1})
    for i in idx:
        if i >= n:
            continue
        q = rows[i]
        print(f"  ep{q['epoch']:3d} loss={q['loss']:.4g} acc={q['acc']:.3f} gn={q['gn']:.3g} "
              f"ratio={q['ratio']:.2e} g0={q['g'][0]:.2e} gL={q['g'][-1]:.2e} "
              f"sat={fmt_units(q['units'], 'sat')} dead={fmt_units(q['units'], 'dead')}")
    rat = np.array([q["ratio"] for q in rows])
    print(f"  ratio<1e-3 on {np.mean(rat < 1e-3):.0%} of epochs; min {rat.min():.2e} "
          f"median {np.median(rat):.2e} max {rat.max():.2e}")


if __name__ == "__main__":
    pass
