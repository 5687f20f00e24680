#!/bin/sh
# The example figures of docs/usage.md, made with the certify command only.
# Run from anywhere: sh docs/figures/make.sh (about 30 s; each figure is also a certified run).
set -e
cd "$(dirname "$0")/../.."
out=docs/figures
certify period "logistic(r=3.83)" -p 3 --plot $out/cobweb_logistic_p3.png > /dev/null
certify orbits "tent(s=2)" -p 3 --domain 0,1 --plot $out/cobweb_tent_orbits3.png > /dev/null
certify period "tent(s=8/5)" -p 3 --plot $out/cobweb_tent_refuted.png > /dev/null
certify oscillations "tent(s=17/10)" --upto 12 --plot $out/laps_tent.png > /dev/null
certify gradients "logistic(r)" --param r --at 7/2 --x0 3/10 --horizon 40 --loss \
    --plot $out/gradients_logistic_loss.png > /dev/null
certify phase "skew_tent(aL, aR, 1)" --x aL --y aR --range=-3,3,-3,3 --out $out/phase_skew_tent.png > /dev/null
certify bifurcation "logistic(r)" --param r --range 3.5,4 -p 3,5 --plot $out/bifurcation_logistic.png > /dev/null
ls $out/*.png
