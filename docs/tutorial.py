# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # certify in a notebook: chaos in randomly initialised 1D RNN maps
#
# Sanford et al. (NeurIPS 2022) show that the 1D map of a one-hidden-layer network,
# f(x) = sum_i a_i relu(w_i x + b_i) + c, has a point of period 3 -- hence Li-Yorke chaos --
# with a probability that does not vanish with the width under He initialisation. This tutorial
# proves it for one network, draws the cobweb of the certified orbit, and estimates the
# probability per width from certified verdicts. Run it as a script (`python docs/tutorial.py`)
# or open it in Jupyter with jupytext; the test suite runs it (tests/test_docs_api.py).

# %%
import os
import tempfile

import numpy as np

import certify

# figures are matplotlib Figure objects (no pyplot window); Jupyter shows a figure left last in a cell
OUT = os.environ.get("CERTIFY_TUTORIAL_OUT") or tempfile.mkdtemp(prefix="certify-tutorial-")

# %% [markdown]
# ## One network: He initialisation, width 64
#
# The weights are float64 numpy arrays; certify takes them as the exact binary numbers they
# store. We draw networks until one has a certified period 3 (a few percent do).

# %%
rng = np.random.default_rng(7)
k = 64
for attempt in range(200):
    w = rng.normal(0, np.sqrt(2), k)               # input weights, fan_in 1
    b = rng.uniform(-1, 1, k)                      # PyTorch's default bias law
    a = rng.normal(0, np.sqrt(2 / k), k)           # output weights, fan_in k
    f = certify.rnn1d(w=w, b=b, a=a, c=0.0, activation="relu")
    res = certify.period(f, 3)
    if res.proved:
        break
print(f"network {attempt}: {res.verdict}")
print(res.text)

# %% [markdown]
# The verdict comes with a certificate; the independent kernel re-derives it from its facts.
# `res.orbit` holds the exact enclosures (Fractions); `res.orbit_floats` their midpoints.

# %%
check = res.check()
assert check.ok
print(check.statement)
print(res.orbit_floats)

# %% [markdown]
# ## The cobweb of the certified orbit

# %%
fig = res.plot()
res.save(os.path.join(OUT, "cobweb.png"))
print("written", os.path.join(OUT, "cobweb.png"))

# %% [markdown]
# ## A small audit: P(period 3) against the width
#
# Every verdict below is proved or refuted exactly (ReLU maps are piecewise linear), and
# re-checked by the kernel. The error bars are Clopper-Pearson 95% intervals. Use
# `samples=1000` and more widths for a real estimate (`certify audit` runs the same from the
# shell, resumably, on many cores).

# %%
samples = int(os.environ.get("CERTIFY_TUTORIAL_SAMPLES", "40"))
audit = certify.audit(os.path.join(OUT, "audit"), widths=[2, 8, 32], samples=samples, seed=1, workers=1)
print(audit.text)

# %%
from matplotlib.figure import Figure

rows = audit.rows
widths = [r["width"] for r in rows]
p = np.array([r["p"] for r in rows])
lo = np.array([r["ci95"][0] for r in rows])
hi = np.array([r["ci95"][1] for r in rows])
fig = Figure(figsize=(5, 3.5), layout="constrained")
ax = fig.subplots()
ax.errorbar(widths, p, yerr=[p - lo, hi - p], fmt="o-", capsize=4, label="certified period 3 (95% CI)")
ax.set_xscale("log", base=2)
ax.set_xlabel("width k")
ax.set_ylabel("P(period 3)")
ax.set_ylim(0, max(0.2, float(hi.max()) * 1.1))
ax.set_title(f"He ReLU networks, {samples} per width")
ax.legend()
fig.savefig(os.path.join(OUT, "p_period3.png"))
print("written", os.path.join(OUT, "p_period3.png"))
