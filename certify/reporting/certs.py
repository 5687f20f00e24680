"""Certificates in a report: each file re-checked by the kernel (certify.verify) when the report is built.

An entry holds what the page shows: the kernel's verdict and the statement it derived (only when
the check passed), the map and claim lines, the fields the kernel did not verify (estimates are
marked as such), and the `certify check` command that re-checks the file. A file that fails the
check, or cannot be read as a certificate, gives an entry with ok False and the reason; its
numbers are never shown as certified.
"""

from __future__ import annotations

import json
import shlex

from certify.checker.statement import one_line
from certify.errors import CertifyError

__all__ = ["certificate_entry"]

_NOT_SHOWN = {"versions", "map.given"}
_BINDING = {"matches": "denotes the canonical map", "not checked": "not re-read here"}


def _informational(cert: dict, label: str) -> dict:
    """One field the kernel did not verify: its name, a one-line rendering of its value, and whether
    it is an estimate."""
    name = label.removesuffix(" (estimate)")
    value = cert.get(name)
    estimate = label.endswith("(estimate)") or name in ("estimate", "spectrum", "typical") or (
        isinstance(value, dict) and value.get("status") == "estimate")
    if isinstance(value, dict) and "value" in value:
        text = str(value["value"]) + (f" ± {value['stderr']} (standard error)" if "stderr" in value else "")
        if value.get("method"):
            text += f"; {value['method']}"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return {"name": one_line(name, 80), "text": one_line(text, 400), "estimate": estimate}


def certificate_entry(path: str) -> dict:
    """Read and re-check one certificate file: a dict for the report templates (see the module
    docstring). ok is True iff the kernel and the bindings of certify.verify accept it."""
    from certify.certificates import Unreadable, read
    from certify.verify import verify

    entry = {"path": path, "command": f"certify check {shlex.quote(path)}", "ok": False, "verdict": None,
             "statement": [], "facts": 0, "message": "", "map": "", "claim": "", "given": "", "given_binding": "",
             "informational": [], "reason": ""}
    try:
        cert = read(path)
    except Unreadable as e:
        entry["message"] = f"unreadable: {one_line(e)}"
        return entry
    except CertifyError as e:
        entry["message"] = f"malformed certificate: {one_line(e)}"
        return entry
    try:
        v = verify(cert)
    except Exception as e:  # noqa: BLE001 -- as in certify check: a checker that stops is a failure
        entry["message"] = one_line(f"malformed certificate: the checker stopped on it ({type(e).__name__}: {e})")
        return entry
    r = v.result
    entry.update(ok=r.ok, verdict=one_line(r.verdict, 40), facts=r.facts, message=one_line(r.message),
                 map=one_line(v.map_line), claim=one_line(v.claim_line), given=v.given_spec,
                 given_binding=_BINDING.get(v.given, v.given))
    if not r.ok:
        return entry
    if r.verdict == "undecided":
        entry["reason"] = one_line(r.message.split("; ", 1)[-1])
    else:
        entry["statement"] = [one_line(line, 2000) for line in r.statement.splitlines()]
    shown = _NOT_SHOWN | ({"reason"} if r.verdict == "undecided" else set())  # the reason is shown above
    entry["informational"] = [_informational(cert, f) for f in r.informational if f not in shown]
    return entry
