"""Coq proofs of certificates: maps as terms of the library formal/, and the proof files."""

from certify.coq.proof import proof as coq_proof
from certify.coq.terms import NoCoqExport

__all__ = ["coq_proof", "NoCoqExport"]
