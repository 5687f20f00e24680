"""Exports of certificates to proof assistants (Coq, with the library in formal/)."""

from certify.export.coq import proof as coq_proof
from certify.export.terms import NoCoqExport

__all__ = ["coq_proof", "NoCoqExport"]
