#!/usr/bin/env bash
# Regenerate every committed certificate (run from the repository root: bash proofs/make.sh).
# Each line: certificate file, then the certify command that produces it.
set -euo pipefail
cd "$(dirname "$0")"
gen() { local out=$1; shift; certify "$@" --out "$out" >/dev/null || [ $? -eq 3 ]; echo "wrote proofs/$out"; }
gen logistic_r383_period3.cert.json   period "logistic(r=383/100)" --period 3
gen logistic_r4_period3.cert.json     period "logistic(r=4)" --period 3
gen logistic_r38_no_period3.cert.json period "logistic(r=3.8)" --period 3
gen logistic_r4_orbits_p10.cert.json  orbits "logistic(r=4)" --period 10
gen tent_s2_orbits_p3.cert.json       orbits "tent(s=2)" --period 3
gen tent_s8_5_no_period3.cert.json    period "tent(s=8/5)" --period 3
gen relu_tent_net_period3.cert.json   period relu_tent_net.json --period 3
gen tent_s2_period5.cert.json         period "tent(s=2)" --period 5
gen he_relu64_no_period3.cert.json    period he_relu64_net.json --period 3
gen tanh_family_period3.cert.json     period "3*tanh(3*x) - 4*tanh(x-1/2) + 1/3" --period 3
gen tanh_family_no_period3.cert.json  period "3*tanh(3*x) - 9/2*tanh(x-1/2) + 1/3" --period 3
gen skip_tanh_no_period2.cert.json    period "x/2 + tanh(3*x)" --period 2
gen tanh_orbits_p1.cert.json          orbits "tanh(x)" --period 1
gen cubic_orbits_p2.cert.json         orbits "x - x^3" --period 2
gen logistic_period3_onset.cert.json  threshold "logistic(r)" --param r --period 3 --range 3.5,4 --digits 100
gen logistic_period5_onset.cert.json  threshold "logistic(r)" --param r --period 5 --range 3.5,4 --digits 100
gen quadratic_period3_onset.cert.json threshold "x^2 - c" --param c --period 3 --range 0,2
gen logistic_period5_windows.cert.json  windows "logistic(r)" --param r --period 5 --range 3.5,4
gen tent_period3_onset.cert.json      threshold "tent(s)" --param s --period 3 --range 1.1,2
gen plrnn2d_cycles.cert.json      lyapunov plrnn2d.json -p 6
gen tanh_family_period3_onset.cert.json  threshold "3*tanh(3*x) - g*tanh(x-1/2) + 1/3" --param g --period 3 --range 3,4 --digits 30
gen tent_s17_10_entropy.cert.json     entropy "tent(s=17/10)"
gen logistic_r4_lyapunov.cert.json    lyapunov "logistic(r=4)" -p 1
gen he_relu16_gain_onset.cert.json    threshold he_relu16_net.json --scale gain --period 3 --range 1/2,1 --digits 30
gen plrnn_chaos_horseshoe.cert.json chaos ../examples/plrnn_chaos.json
gen rnn8_gain8_horseshoe.cert.json chaos ../examples/rnn8_gain8.safetensors
gen rnn8_gain4_horseshoe.cert.json chaos ../examples/rnn8_gain4.safetensors
gen lorenz_plrnn_horseshoe.cert.json chaos ../examples/lorenz_plrnn.safetensors
gen rnn3_cycles_p3.cert.json orbits ../examples/rnn3_cycles.json --period 3
