#!/bin/bash
# containerlab's frr01 with real FRR: three routers running OSPF, three PCs; PC1 reaches
# PC3 once OSPF has converged (tests/integration/lab/clab.sh with HAKO_FRR01_ROOT). Slow
# (the images are built from Debian packages on the first run, OSPF takes tens of seconds to
# converge), so it is not part of the suite: run it by hand.
#
# Usage (root): scripts/check-frr01.sh [HAKO_ROOT]     default: /var/tmp/hako-frr01
#   HAKO (default build/hako); images cached as scripts/mkimage-frr.sh says.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
root=${1:-/var/tmp/hako-frr01}
export HAKO=${HAKO:-$src/build/hako}
b=$(dirname "$HAKO")
"$here/mkimage-frr.sh" "$root"
HAKO_FRR01_ROOT=$root HAKO_SRC=$src HAKO_CT_PROBE=$b/tests/ct_probe HAKO_ESC_PROBE=$b/tests/esc_probe \
	"$src/tests/lib/run-one.sh" "$src/tests/integration/lab/clab.sh"
