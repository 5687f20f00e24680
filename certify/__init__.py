"""certify: machine-checkable certificates for periodic orbits and chaos of recurrent-network maps.

    import certify
    f = certify.parse("logistic(r=383/100)")     # or certify.rnn1d(w=..., b=..., a=...), certify.load("net.json")
    res = certify.period(f, 3)                   # a Result: res.verdict, res.orbit, res.certificate
    res.check()                                  # independent re-verification by the kernel
    res.plot()                                   # a matplotlib Figure

Every public name is imported on first use, so `import certify` costs nothing heavy. See
docs/api.md.
"""

__version__ = "0.1.0"

# public name -> module that defines it (imported on first access)
_EXPORTS = {
    "parse": "certify.api", "load": "certify.api", "rnn1d": "certify.api", "from_torch": "certify.api", "family": "certify.api", "check": "certify.api",
    "period": "certify.api", "orbits": "certify.api", "threshold": "certify.api", "windows": "certify.api",
    "chaos_onset": "certify.api", "phase": "certify.api", "lyapunov": "certify.api", "entropy": "certify.api",
    "gradients": "certify.api", "robustness": "certify.api", "oscillations": "certify.api",
    "scrambling": "certify.api", "forcing_interval": "certify.api", "flow_lyapunov": "certify.api",
    "audit": "certify.api", "AuditResult": "certify.api", "report": "certify.api", "export": "certify.api",
    "NoCoqExport": "certify.coq", "rnn": "certify.api", "rnn_feedback": "certify.api",
    "bifurcation": "certify.api", "Bifurcation": "certify.api", "chaos": "certify.api",
    "Result": "certify.results", "CheckResult": "certify.results", "Estimate": "certify.results",
    "Map": "certify.maps", "Family": "certify.maps", "CertifyError": "certify.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'certify' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
