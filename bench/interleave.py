#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""interleave.py ROUNDS NAME::CMD...: run the commands in turn, ROUNDS times (after 5 warm-ups
each), so that a shared machine's changing load hits all of them alike; print a markdown
table of wall-clock quartiles and each median's difference to the first command's, and the
median CPU time (user + sys of the command and the children it waited for, from wait4).
Used by bench/security.sh for differences (~1 ms) smaller than hyperfine's run-to-run drift."""
import os
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
cpu = {name: [] for name, _ in cmds}
for _ in range(rounds):
    for name, argv in cmds:
        t = time.perf_counter()
        p = subprocess.Popen(argv)
        _, status, ru = os.wait4(p.pid, 0)
        res[name].append((time.perf_counter() - t) * 1000)
        cpu[name].append((ru.ru_utime + ru.ru_stime) * 1000)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f'{name}: exit status {os.waitstatus_to_exitcode(status)}')
base = statistics.median(res[cmds[0][0]])
cbase = statistics.median(cpu[cmds[0][0]])
print('| command | p25 (ms) | median (ms) | p75 (ms) | median - first (ms) '
      '| CPU median (ms) | CPU - first (ms) |')
print('|---|---:|---:|---:|---:|---:|---:|')
for name, _ in cmds:
    q = statistics.quantiles(res[name], n=4)
    c = statistics.median(cpu[name])
    print(f'| {name} | {q[0]:.2f} | {q[1]:.2f} | {q[2]:.2f} | {q[1] - base:+.2f} '
          f'| {c:.2f} | {c - cbase:+.2f} |')
