#!/usr/bin/env bash
# Regenerate the certificates the mutation harness (tests/test_mutation.py) mutates: one or more
# genuine certificates per claim kind and verdict, small enough to check in a fraction of a second.
# Run from the repository root: bash tests/certificates/make.sh
set -uo pipefail
cd "$(dirname "$0")"
net=../../proofs/relu_tent_net.json
gen() { local out=$1; shift; certify "$@" --out "$out" >/dev/null; rc=$?; [ $rc -le 3 ] || exit $rc; echo "wrote $out ($rc)"; }
gen period_pl_proved.json        period "tent(s=2)" -p 3
gen period_pl_refuted.json       period "tent(s=8/5)" -p 3
gen period_empty_refuted.json    period "relu(x) + 1" -p 1
gen period_ball_proved.json      period "logistic(r=383/100)" -p 3
gen period_ball_refuted.json     period "logistic(r=3.8)" -p 3
gen period_monotone_refuted.json period "tanh(x)+1/2" -p 2
gen period_domain_proved.json    period "logistic(r=383/100)" -p 2 --domain 0,1
gen period_undecided.json        period "x + (x^2-2)^2" -p 1 --max-prec 64
gen period_forced.json          period "3*tanh(3*x) - 4*tanh(x-1/2) + 1/3" -p 40
gen orbits_count.json            orbits "logistic(r=4)" -p 4
gen orbits_pl.json               orbits "tent(s=2)" -p 4
gen orbits_ball.json             orbits "2*tanh(2*x)" -p 1
gen orbits_tails.json            orbits "x/2 + tanh(3*x)" -p 1
gen orbits_multiple_root.json    orbits "tanh(x)" -p 1
gen period_exact_tanh.json       period "tanh(x)" -p 1
gen orbits_nonfixed_empty.json   orbits "x" -p 2
gen period_line_refuted.json     period "-x" -p 3
gen orbits_line_continuum.json   orbits "1-x" -p 2
gen orbits_line.json             orbits "-x+relu(x)/2" -p 1
gen lyapunov_estimate.json       lyapunov "logistic(r=3.2)" -p 2 --steps 2000
gen lyapunov_slope.json          lyapunov "tent(s=2)" -p 1 --steps 2000
gen onset_algebraic.json         threshold "logistic(r)" --param r -p 3 --range 3.5,4 --digits 20
gen onset_pl.json                threshold "tent(s)" --param s -p 3 --range 1.1,2 --digits 20
gen onset_rational_root.json     threshold "x + r" --param r -p 1 --range -1,1
gen onset_start_pl.json          threshold "r + Min(x,0)/2 - 2*Max(x,0)" --param r -p 2 --range 0,1
gen onset_cover.json             threshold "3*tanh(3*x) - g*tanh(x-1/2) + 1/3" --param g -p 3 --range 3.73,3.75 --digits 4
gen onset_refuted_algebraic.json threshold "logistic(r)" --param r -p 3 --range 3,3.8
gen onset_refuted_pl.json        threshold "Min(x,0) + Max(x,0) + r" --param r -p 2 --range 0,1
gen onset_cover_refuted.json     threshold "r*tanh(x)" --param r -p 2 --range 1/2,3/4
gen windows_algebraic.json       windows "logistic(r)" --param r -p 3 --range 3.8,3.9
gen windows_pl.json              windows $net --scale gain --range 0.5,2 -p 3
gen chaos_onset.json             chaos-onset "tent(s)" --param s --range 0.5,2 --periods 6
gen chaos_onset_refuted.json     chaos-onset "tent(s)" --param s --range 1/2,1
gen gradients.json               gradients "logistic(r=4)" --x0 0.3 --horizon 40
gen gradients_param.json         gradients "logistic(r)" --param r --at 7/2 --x0 0.3 --horizon 40 --loss
gen gradients_undecided.json     gradients "logistic(r=4)" --x0 1/2 --horizon 10
# the lap-graph and Lipschitz fixtures are made with the kneading determinant turned off (it would answer first)
nokn() { local out=$1; shift; python -c 'import sys; from certify.dynamics import entropy as e; e._kneading = lambda *a: (None, None); from certify.cli import main; sys.exit(main(sys.argv[1:]))' "$@" --out "$out" >/dev/null; rc=$?; [ $rc -le 3 ] || exit $rc; echo "wrote $out ($rc)"; }
nokn entropy.json                entropy "min(2*x, 7*(1-x)/5)" --depth 10
gen entropy_slope.json           entropy "tent(s=6/5)"
gen entropy_markov.json          entropy "min(x+1, 4-2*x)" --domain 0,2
gen entropy_markov_shrunk.json   entropy "max(min(x+1, 4-2*x), 0)" --domain -1,3
gen entropy_markov_poly.json     entropy "logistic(r=4)"
gen entropy_horseshoe.json       entropy "max(0, min(3*x, 1, 3 - 3*x))" --depth 3
nokn entropy_smooth.json         entropy "logistic(r=3.83)"
gen entropy_kneading.json        entropy "min(2*x, 7*(1-x)/5)"
gen entropy_kneading_poly.json   entropy "logistic(r=3.9)"
gen entropy_kneading_cycle.json  entropy "logistic(r=3.83)"
gen entropy_kneading_zero.json   entropy "logistic(r=3.5)"
gen entropy_kneading_tanh.json   entropy "3*tanh(3*x) - 4*tanh(x-1/2) + 1/3"
gen entropy_monotone.json        entropy "logistic(r=3.2)"
gen entropy_undecided.json       entropy "x + 1"
gen oscillations.json            oscillations "tent(s=17/10)" --upto 5 --max-odd 3
gen oscillations_odd5.json       oscillations "tent(s=8/5)" --upto 4 --max-odd 5
gen oscillations_undecided.json  oscillations "x + 1"
gen scrambling.json              scrambling "logistic(r=4)" --x 1/3 --y 1/3+1e-6 --eps 1e-3 --delta 0.5 --horizon 60
gen scrambling_refuted.json      scrambling "tent(s=2)" --x 1/3 --y 1/3+1e-12 --eps 1e-9 --delta 1/2 --horizon 20
gen scrambling_undecided.json    scrambling "x/2 + tanh(1)" --x 0 --y 1/1000 --eps 1/2000 --delta 1 --horizon 2
gen robustness.json              robustness $net
gen robustness_refuted.json      robustness "rnn1d(activation=relu, w=[1,1], b=[0,-1/2], a=[8/5,-16/5], c=0)"
gen robustness_undecided.json    robustness "rnn1d(activation=relu, w=[1,1], b=[0,-1/2], a=[8/5,-16/5], c=0)" --max-cells 1
gen plrnn_cycles.json            lyapunov ../../proofs/plrnn2d.json -p 3
gen plrnn_incomplete.json        lyapunov ../../proofs/plrnn2d.json -p 2 --cap 2
gen plrnn_singular.json          lyapunov nets/plrnn_flip.json -p 2
gen plrnn_undecided.json         lyapunov nets/plrnn_escape.json -p 2 --cap 0 --spectrum --steps 200
# the closed-walk method (claim polymap_orbits): `certify orbits` now writes polymap_cycles, so from Python
python -c 'from certify.api import Result; from certify.certificates import write_atomic
from certify.maps.polymap import parse_polymap_spec; from certify.periodic.polymap_orbits import certify_polymap_orbits
f = parse_polymap_spec("henon(a=1.4, b=0.3)"); write_atomic("polymap_orbits.json", Result.of("orbits", certify_polymap_orbits(f, 2), f).certificate_json)' && echo "wrote polymap_orbits.json"
gen polymap_cycles.json          orbits "henon(a=1.4, b=0.3)" -p 2
gen polymap_cycles_refuted.json  period "henon(a=1.4, b=0.3)" -p 3
gen polymap_cycles_domain.json   orbits "(x^2 - y, x + 1/2*y)" -p 1 --domain "-3,3;-3,3"
gen polymap_cycles_trapping.json orbits "(1/2*x + 1/10*y^2, 1/4*x*y + 1/5)" -p 1 --domain -1,1
phase() { local out=$1; shift; certify phase "$@" --cert "$out" >/dev/null; rc=$?; [ $rc -le 3 ] || exit $rc; echo "wrote $out ($rc)"; }
phase phase.json                 "skew_tent(aL, aR, 1)" --x aL --y aR --range=-3,3,-3,3 --grid 4 --depth 1
phase phase_chaos.json           "skew_tent(aL, aR, 1)" --x aL --y aR --range=3/2,5/2,-3/2,-5/4 --grid 1 --depth 1
phase phase_undecided.json       "skew_tent(aL, aR, 1)" --x aL --y aR --range=9/10,11/10,-21/10,-19/10 --grid 1 --depth 0
