"""Notebook views of API results (Jupyter's _repr_markdown_ and _repr_html_): the verdict, the map,
the claim, the text certify prints, and the consequences, with a note on how to re-check."""

from __future__ import annotations

from jinja2 import Environment

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

_HTML = _ENV.from_string("""\
<div class="certify-result">
<p><strong>certify {{ command }}</strong>: <span style="color: {{ colour }}"><strong>{{ verdict|upper }}</strong></span>
 &mdash; {{ claim }}</p>
<p>map: <code>{{ map }}</code></p>
<pre>{{ text }}</pre>
{% if consequences %}
<p>consequences (theorems applied to the proved claim):</p>
<ul>{% for c in consequences %}<li>{{ c }}</li>{% endfor %}</ul>
{% endif %}
<p><small>{{ note }}</small></p>
</div>""")

_COLOURS = {"proved": "#1a7f37", "refuted": "#1f4fbf", "undecided": "#9a6700"}


def _parts(res) -> dict:
    cert = res.certificate
    claim = ", ".join(f"{k}={v}" for k, v in sorted(cert["claim"].items()) if v is not None)
    note = ("re-check with res.check() or: certify check FILE after res.save(FILE); numbers marked ESTIMATE "
            "are not proved" if cert["verdict"] != "undecided" else "undecided: nothing is claimed")
    return {"command": res.command, "verdict": cert["verdict"], "claim": claim,
            "map": (cert.get("map") or {}).get("given", ""), "text": res.text,
            "consequences": cert.get("consequences", []), "note": note,
            "colour": _COLOURS.get(cert["verdict"], "black")}


def result_markdown(res) -> str:
    """A Markdown summary of a Result."""
    d = _parts(res)
    out = [f"**certify {d['command']}**: **{d['verdict'].upper()}** ({d['claim']})", "",
           f"map: `{d['map']}`", "", *(f"    {line}" for line in d["text"].splitlines())]
    return "\n".join(out)


def result_html(res) -> str:
    """An HTML summary of a Result (escaped by Jinja2)."""
    return _HTML.render(**_parts(res))
