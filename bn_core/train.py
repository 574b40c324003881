"""A training loop that records what the notebooks ask for, step by step.

    history = train(model, data, steps=1000, batch_size=60, lr=0.5, rng=rng,
                    record={"pct": Percentiles(layer=model.index_of(Sigmoid), unit=0)})

Each step: a minibatch forward, softmax cross-entropy, backward, one SGD update. Recorders see the
network on a fixed PROBE set (the first `probe` training examples) before training and after every
update: the probe runs in training mode (BN normalizes with the probe's own batch statistics) and
leaves the running statistics untouched. A recorder is called as recorder(step, model) and reads
model.inputs[i], the (P, D_i) input of layer i on the probe (P probe examples).

Shapes: T steps; history["loss"]: (T,), the loss of update t's batch; recorders return arrays with
one row per record, (T + 1, ...) unless the run diverged (loss not finite) and stopped early.
"""

import contextlib
import time

import numpy as np

from bn_core.data import minibatches
from bn_core.nn import softmax_cross_entropy
from bn_core.optim import SGD
from bn_core.record import (  # noqa: F401  (the recorders, importable from here as before)
    LayerStats,
    Params,
    Percentiles,
    Recorder,
    Snapshots,
    percentiles,
)


@contextlib.contextmanager
def frozen_running_stats(model):
    """Context: whatever runs inside, the BN layers' running_mean / running_var come out as
    they went in (a training-mode forward for measuring must not feed them)."""
    norms = [layer for layer in model.layers if hasattr(layer, "running_mean")]
    saved = [(layer.running_mean.copy(), layer.running_var.copy()) for layer in norms]
    try:
        yield model
    finally:
        for layer, (mean, var) in zip(norms, saved, strict=True):
            layer.running_mean[...], layer.running_var[...] = mean, var


def probe_forward(model, x, upto=None):
    """Forward x in training mode without touching any running statistics; sets model.inputs.
    upto=i: stop once model.inputs[i] is known (the layers above are not needed)."""
    with frozen_running_stats(model):
        model.train()
        if upto is None:
            return model.forward(x)
        model.inputs = []
        for layer in model.layers[:upto]:
            model.inputs.append(x)
            x = layer.forward(x)
        model.inputs.append(x)
        return x


def accuracy(model, x, y):
    """Fraction of x (N, D) classified as y (N,), in eval mode (BN uses running statistics).
    The model comes back in the mode it was in."""
    was_training = any(getattr(layer, "training", False) for layer in model.layers)
    logits = model.eval().forward(x)
    model.train(was_training)
    return float((logits.argmax(axis=1) == y).mean())


_BLAS = []  # the BLAS libraries' threadpoolctl controllers: scanning the loaded libraries costs ms


class _OneThread:
    """Context: each BLAS library on one thread, then back to the number it had."""

    def __init__(self, libs):
        self.libs, self.saved = libs, []

    def __enter__(self):
        self.saved = [lib.get_num_threads() for lib in self.libs]
        for lib, n in zip(self.libs, self.saved, strict=True):
            if n != 1:
                lib.set_num_threads(1)
        return self

    def __exit__(self, *exc):
        for lib, n in zip(self.libs, self.saved, strict=True):
            if n != 1:
                lib.set_num_threads(n)


def one_blas_thread():
    """Context: numpy's BLAS on one thread. These matrices are tiny (60 x 100); several BLAS
    threads on a busy 2-core machine made a 3 s experiment take 100 s. threadpoolctl comes with
    scikit-learn; without it this does nothing. Cheap enough to enter at every training step
    (~1 us; threadpoolctl's own limit() took ~8 us): the libraries are found once (reading
    /proc/self/maps, ~10 ms), then asked and set directly."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return contextlib.nullcontext()
    if not _BLAS:
        _BLAS.append(ThreadpoolController().select(user_api="blas").lib_controllers)
    return _OneThread(_BLAS[0])


def train_steps(model, data, steps, batch_size, lr, rng, momentum=0.0, eval_every=50,
                record=None, probe=200, hook=None):
    """train(), one update at a time: a generator that yields the run's `state` dict after step 0
    (before any update) and after every update, so a caller can draw, pause or stop between steps.

    state: "step" (updates done), "steps" (T), "loss": (T,) filled up to "step" (NaN after),
    "eval_step", "test_acc": lists so far, "diverged", "record" (the recorders, still collecting),
    "seconds" (training time so far, pauses excluded). The same object is yielded every time and
    changes in place: copy what must outlive the next step. `history(state)` gives train()'s dict.
    hook: called as hook(t, model, xb, yb) after update t's backward and before its SGD step (the
    batch's gradients sit in the layers); it must leave the model as it found it.
    """
    x_train, y_train, x_test, y_test = data
    record = record or {}
    x_probe = x_train[:probe]
    opt = SGD(model, lr, momentum)
    state = {"step": 0, "steps": steps, "loss": np.full(steps, np.nan), "eval_step": [],
             "test_acc": [], "diverged": False, "record": record, "seconds": 0.0}
    batches = minibatches(x_train, y_train, batch_size, rng)
    upto = max((r.needs for r in record.values()), default=None)

    def observe(step):
        if record:
            probe_forward(model, x_probe, upto)
            for recorder in record.values():
                recorder(step, model)
        if step % eval_every == 0 or step == steps:
            state["eval_step"].append(step)
            state["test_acc"].append(accuracy(model, x_test, y_test))

    def update(t):
        """One SGD step on the next minibatch; False when the loss has left the finite range."""
        xb, yb = next(batches)
        loss, dlogits = softmax_cross_entropy(model.forward(xb), yb)
        if not np.isfinite(loss) or loss > 1e3:
            return False
        state["loss"][t] = loss
        model.backward(dlogits)
        if hook is not None:
            hook(t, model, xb, yb)
        opt.step()
        observe(t + 1)
        return True

    # a diverging run overflows on its way to inf; that is detected, not warned about
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), one_blas_thread():
        start = time.perf_counter()
        model.train()
        observe(0)
        state["seconds"] += time.perf_counter() - start
    yield state
    for t in range(steps):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"), one_blas_thread():
            start = time.perf_counter()
            ok = update(t)
            state["seconds"] += time.perf_counter() - start
        if not ok:
            state["diverged"] = True
            yield state
            return
        state["step"] = t + 1
        yield state


def lockstep(runs, state):
    """Step several train_steps generators in one loop: one step of each per iteration, so their
    curves grow side by side. runs: {name: generator}; each generator keeps its own rng, so the
    numbers are those of separate runs. Yields `state` (updated in place) after every step:
    state[name] is that run's train_steps state, state["step"] the most steps any has done. A run
    that diverges stops; the others go on."""
    live = dict(runs)
    while live:
        for name in list(live):
            try:
                state[name] = next(live[name])
            except StopIteration:
                del live[name]
        if live:
            state["step"] = max(state[name]["step"] for name in runs)
            yield state


def history(state):
    """The dict train() returns, from train_steps()'s state: arrays, recorders' results."""
    result = {"loss": state["loss"], "eval_step": np.asarray(state["eval_step"]),
              "test_acc": np.asarray(state["test_acc"]), "diverged": state["diverged"],
              "seconds": state["seconds"]}
    result.update({name: recorder.result() for name, recorder in state["record"].items()})
    return result


def train(model, data, steps, batch_size, lr, rng, momentum=0.0, eval_every=50, record=None,
          probe=200):
    """Train model with SGD on data = (x_train, y_train, x_test, y_test).

    Returns a dict: "loss": (T,) (NaN after a divergence), "eval_step": (E,) and "test_acc": (E,)
    every eval_every updates (step 0 included), "diverged": bool, "seconds": float, and for each
    name in `record` that recorder's result(): a dict of arrays with a "step" entry.
    """
    *_, state = train_steps(model, data, steps, batch_size, lr, rng, momentum, eval_every, record,
                            probe)  # run the generator to its end
    return history(state)
