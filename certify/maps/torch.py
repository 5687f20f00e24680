"""PyTorch weights (optional: `pip install certify[torch]`): .pt/.pth state_dicts and live modules.

`load_state_dict(path)` reads a file with `torch.load(..., weights_only=True)` (no code in the file
runs); `from_torch(module)` reads a live nn.Sequential(nn.Linear(1, k), act, nn.Linear(k, 1)[,
out_act]). Tensors become numpy arrays holding the same numbers: float64/float32/float16 as they
are, bfloat16 (and other narrower floats) widened exactly to float32.
"""

from __future__ import annotations

from collections.abc import Mapping

from certify.errors import CertifyError

__all__ = ["from_torch", "load_state_dict", "tensor_to_numpy"]

# wrappers of a state_dict in a training checkpoint ({"state_dict": ..., "optimizer": ..., "epoch": ...})
_WRAPPERS = ("state_dict", "model_state_dict")


def _torch(what: str = ".pt"):
    try:
        import torch
    except ImportError:
        raise CertifyError(f"reading {what} needs PyTorch: pip install certify[torch]") from None
    return torch


def tensor_to_numpy(t, what: str = "tensor"):
    """A torch tensor as a numpy array of the same numbers (narrow floats widened exactly to float32)."""
    torch = _torch("a torch tensor")
    t = t.detach()
    if t.is_complex() or t.dtype == torch.bool:
        raise CertifyError(f"{what} has dtype {t.dtype}: weights must be real floating-point or integer numbers")
    if t.is_floating_point() and t.dtype not in (torch.float64, torch.float32, torch.float16):
        t = t.to(torch.float32)  # bfloat16, float8: every value is a float32 (same or wider exponent range)
    try:
        return t.cpu().numpy()
    except (TypeError, RuntimeError) as e:  # sparse, quantized, meta tensors
        raise CertifyError(f"{what}: cannot read this tensor ({str(e)[:80]}): save dense float tensors") from None


def load_state_dict(path: str) -> tuple[dict, dict]:
    """(arrays, metadata) of a .pt/.pth file: a state_dict (tensors by key, optionally with string
    entries activation, output_activation, slope, model), or a checkpoint dict holding one under
    "state_dict" or "model_state_dict" (its other entries, e.g. the optimizer, are ignored)."""
    import pickle

    from certify.maps.weights import META, _size_checked

    torch = _torch(f"{path} (.pt)")
    _size_checked(path)
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise CertifyError(f"{path} holds objects torch will not load with weights_only=True (a whole nn.Module?): "
                           "save model.state_dict() instead, or pass the module to from_torch") from None
    except (OSError, RuntimeError, ValueError, EOFError) as e:
        raise CertifyError(f"cannot read weights {path}: {type(e).__name__}: {str(e)[:100]}") from None
    if not isinstance(obj, Mapping):
        raise CertifyError(f"{path} holds a {type(obj).__name__}, not a state_dict: save model.state_dict()")
    meta = {k: v for k, v in obj.items() if k in META and isinstance(v, str)}
    inner = [k for k in _WRAPPERS if isinstance(obj.get(k), Mapping)]
    entries = obj[inner[0]] if inner else {k: v for k, v in obj.items() if k not in meta}
    arrays = {}
    for k, v in entries.items():
        arrays[k] = tensor_to_numpy(v, f"{path}: {k}") if isinstance(v, torch.Tensor) else v
    return arrays, meta


# torch activation class -> certify activation (Hardtanh only with its default range [-1, 1])
_ACTS = {"ReLU": "relu", "Tanh": "tanh", "Sigmoid": "sigmoid", "LeakyReLU": "leaky_relu", "Hardtanh": "hardtanh",
         "Identity": "identity"}


def _act_name(m, where: str) -> tuple[str, object]:
    """(certify activation name, slope or None) of a torch activation module, or a one-line refusal."""
    name = type(m).__name__
    if name not in _ACTS or not type(m).__module__.startswith("torch.nn"):
        raise CertifyError(f"from_torch: {where} is {name}, which certify does not support; use one of "
                           "nn.ReLU, nn.LeakyReLU, nn.Hardtanh(-1, 1), nn.Tanh, nn.Sigmoid, nn.Identity")
    if name == "Hardtanh" and (m.min_val, m.max_val) != (-1.0, 1.0):
        raise CertifyError(f"from_torch: {where} is Hardtanh({m.min_val}, {m.max_val}); certify's hardtanh clips "
                           "to [-1, 1]: use nn.Hardtanh(-1, 1)")
    if name == "LeakyReLU":
        # a Python float typed by the user: read as the decimal it prints (0.01 is 1/100)
        return "leaky_relu", repr(float(m.negative_slope))
    return _ACTS[name], None


def _describe(m) -> str:
    name = type(m).__name__
    if name == "Linear":
        return f"Linear({m.in_features}, {m.out_features}{'' if m.bias is not None else ', bias=False'})"
    extra = m.extra_repr() if hasattr(m, "extra_repr") else ""
    return f"{name}({extra})"


def from_torch(module, activation: str | None = None):
    """The Map of a live nn.Sequential(nn.Linear(1, k), act, nn.Linear(k, 1)[, out_act]), act among
    nn.ReLU, nn.LeakyReLU (its negative_slope), nn.Hardtanh(-1, 1), nn.Tanh, nn.Sigmoid, nn.Identity;
    or of a state_dict (a mapping of tensors) with `activation` named. Anything else is refused
    with a one-line reason."""
    from certify.maps import _from_rnn1d
    from certify.maps.weights import canonical_rnn1d

    torch = _torch("a torch module")
    if isinstance(module, Mapping):
        given = "from_torch(state_dict)"
        return _from_rnn1d(given, canonical_rnn1d(dict(module), {}, given, activation))
    if not isinstance(module, torch.nn.Sequential):
        raise CertifyError(f"from_torch takes nn.Sequential(nn.Linear(1, k), act, nn.Linear(k, 1)[, out_act]) or a "
                           f"state_dict, got {type(module).__name__}: pass module.state_dict() with activation=")
    mods = list(module)
    kinds = ", ".join(type(m).__name__ for m in mods)
    if len(mods) not in (3, 4) or not isinstance(mods[0], torch.nn.Linear) or not isinstance(mods[2], torch.nn.Linear):
        raise CertifyError(f"from_torch reads nn.Sequential(nn.Linear(1, k), act, nn.Linear(k, 1)[, out_act]), got "
                           f"Sequential({kinds})")
    first, last = mods[0], mods[2]
    if first.in_features != 1 or last.out_features != 1 or last.in_features != first.out_features:
        raise CertifyError(f"from_torch reads maps of one variable, nn.Linear(1, k) then nn.Linear(k, 1), got "
                           f"{_describe(first)} and {_describe(last)}")
    if activation is not None:
        raise CertifyError("from_torch: the module names its activation; activation= is for a state_dict")
    act, slope = _act_name(mods[1], "module 1")
    meta = {"activation": act}
    if len(mods) == 4:
        out, out_slope = _act_name(mods[3], "module 3")
        meta["output_activation"] = out
        if slope is not None and out_slope is not None and slope != out_slope:
            raise CertifyError("from_torch: two LeakyReLU modules with different slopes; certify uses one slope")
        slope = slope or out_slope
    if slope is not None:
        meta["slope"] = slope
    given = f"from_torch(Sequential({', '.join(_describe(m) for m in mods)}))"
    arrays = {"0.weight": first.weight, "2.weight": last.weight}
    if first.bias is not None:
        arrays["0.bias"] = first.bias
    if last.bias is not None:
        arrays["2.bias"] = last.bias
    return _from_rnn1d(given, canonical_rnn1d(arrays, meta, given))
