#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""interleave.py ROUNDS NAME::CMD...: run the commands in turn, ROUNDS times (after 5 warm-ups
each), so that a shared machine's changing load hits all of them alike; print a markdown
table of wall-clock quartiles and each median's difference to the first command's.
Used by bench/security.sh for differences (~1 ms) smaller than hyperfine's run-to-run drift."""
import shlex
import statistics
import subprocess
import sys
import time

rounds = int(sys.argv[1])
cmds = [(a.split('::', 1)[0], shlex.split(a.split('::', 1)[1])) for a in sys.argv[2:]]
res = {name: [] for name, _ in cmds}
for name, argv in cmds:
    for _ in range(5):
        subprocess.run(argv, check=True)
for _ in range(rounds):
    for name, argv in cmds:
        t = time.perf_counter()
        subprocess.run(argv, check=True)
        res[name].append((time.perf_counter() - t) * 1000)
base = statistics.median(res[cmds[0][0]])
print('| command | p25 (ms) | median (ms) | p75 (ms) | median - first (ms) |')
print('|---|---:|---:|---:|---:|')
for name, _ in cmds:
    q = statistics.quantiles(res[name], n=4)
    print(f'| {name} | {q[0]:.2f} | {q[1]:.2f} | {q[2]:.2f} | {q[1] - base:+.2f} |')
