"""certify: machine-checkable certificates for periodic orbits and chaos in 1D maps."""

__version__ = "0.1.0"
