#!/bin/bash
# Configure and build. Usage: scripts/build.sh [BUILDDIR] [extra meson options...]
# BUILDDIR defaults to ./build. Warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" -Dwerror=true "$@" >/dev/null
fi
ninja -C "$dir" >/dev/null
echo "built $dir/hako"
