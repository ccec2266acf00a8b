#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/fuzz.py [--harness PATH] [--seed N] [--cases N] [--keep DIR] [TARGET...]

Mutation fuzzing of the parsers that take hostile input (lab files, OCI config.json, CNI
configurations, image configs, registry manifests and auth headers, DNS queries, seccomp
profiles, wg config files, iproute2-style arguments), through tests/tools/fuzz_parsers. The
inputs are made from the seeds in tests/fixtures/fuzz and tests/fixtures/lab: structural
mutations of JSON documents (a value replaced by one of another type, an extreme number, a
path with "..", a member deleted or duplicated), token mutations of argument lists, byte
mutations of everything else. Built with the ASan/UBSan build, any crash, overflow, leak or
undefined behaviour stops the harness; the input that did it is kept in --keep DIR (default
fuzz-crashes) and printed, and the script exits 1.

The same --seed gives the same inputs (the test suite runs a short fixed-seed pass in both
builds); a long hunt is `scripts/fuzz.py --harness build-asan/tests/fuzz_parsers --cases
20000 --seed $RANDOM`, outside CI. Exit 0: every input was accepted or refused cleanly.
"""
import argparse
import copy
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(SRC, 'tests', 'fixtures')
SEEDS = {
    'lab': [os.path.join(FIX, 'lab', '*.yml'), os.path.join(FIX, 'lab', '*', '*.clab.yml')],
    'oci': [os.path.join(FIX, 'fuzz', 'oci*.json')],
    'cni': [os.path.join(FIX, 'fuzz', 'cni*.json')],
    'imgcfg': [os.path.join(FIX, 'fuzz', 'img*.json')],
    'manifest': [os.path.join(FIX, 'fuzz', 'man*.json')],
    'auth': [os.path.join(FIX, 'fuzz', 'auth*')],
    'dns': [os.path.join(FIX, 'fuzz', 'dns*')],
    'seccomp': [os.path.join(FIX, 'fuzz', 'sec*.json')],
    'tunconf': [os.path.join(FIX, 'fuzz', 'tun*.conf')],
    'argv': [os.path.join(FIX, 'fuzz', 'argv*')],
}
JSON_TARGETS = ('oci', 'cni', 'imgcfg', 'manifest', 'seccomp')
ODD = [None, True, False, 0, -1, 1, 2**31, 2**63 - 1, -2**63, 2**64, 1.5, 1e308, '', '..',
       '../..', '/', '/proc/self/fd/0', 'a' * 5000, '%n%s', '\u0000', [], {}, [None], [[]],
       {'': None}, 'x' * 300, '0.0.0.0/0', '::/0', '10.0.0.1/33', '300.0.0.0', '-1', '65536',
       'sha256:', 'sha256:zz', 'SCMP_ACT_KILL', 'SCMP_CMP_GT', 'CAP_SYS_ADMIN', 'user', 'mount',
       'rbind', 'size=-1', 'mode=99999', '1.1.0', '99.0.0']
WORDS = [b'dev', b'type', b'veth', b'peer', b'name', b'via', b'nexthop', b'weight', b'table',
         b'mtu', b'up', b'down', b'', b'-', b'0', b'-1', b'4294967296', b'9' * 20, b'a' * 300,
         b'10.0.0.1/33', b'::/129', b'ff:ff', b'02:00:00:00:00:00:00', b'0x', b'1-', b'-1-5',
         b'default', b'all', b'%s', b'lladdr', b'nud', b'link', b'mode', b'id', b'remote',
         b'local', b'from', b'to', b'fwmark', b'1/0', b'inf', b'nan', b'1e99mbit', b'-5ms',
         b'1.5', b'[::1]:', b':1', b'[]:1', b'1.2.3.4:99999']
YAML_TOKENS = ['', '~', 'null', '[]', '{}', '-1', '99999999999999999999', 'a' * 400, '&a x',
               '*a', '*nope', '<<: *a', '!!binary aGk=', '[[[[[[[[[[]]]]]]]]]]', "'", ':',
               'a:eth1', ':eth1', 'a:b:c', '10.0.0.1/33', '300.1.1.1', '../../etc', 'bridge',
               'host', 'netns', 'linux', 'vm', '10gbit', '0mbit', '-5ms', '101%', '65536']


def json_paths(o, p=()):
    out = [p]
    if isinstance(o, dict):
        for k, v in o.items():
            out += json_paths(v, p + (k,))
    elif isinstance(o, list):
        for i, v in enumerate(o):
            out += json_paths(v, p + (i,))
    return out


def json_get(o, p):
    for k in p:
        o = o[k]
    return o


def mutate_json(rnd, c):
    ps = json_paths(c)
    if len(ps) < 2:
        return copy.deepcopy(rnd.choice(ODD))
    p = rnd.choice(ps[1:])
    parent, k, r = json_get(c, p[:-1]), p[-1], rnd.random()
    if r < 0.45:
        parent[k] = copy.deepcopy(rnd.choice(ODD))
    elif r < 0.6:
        del parent[k]
    elif r < 0.75 and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[k]))
    elif r < 0.9:
        parent[k] = copy.deepcopy(json_get(c, rnd.choice(ps)))
    elif isinstance(parent, dict):
        key = rnd.choice(['type', 'path', 'options', 'source', 'subnet', 'digest', 'size',
                          'names', 'args', 'index', 'op', 'value', 'platform', 'mediaType'])
        parent[key] = copy.deepcopy(rnd.choice(ODD))
    return c


def mutate_bytes(rnd, b):
    b = bytearray(b)
    for _ in range(rnd.randint(1, 6)):
        r = rnd.random()
        if r < 0.5 and b:
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        elif r < 0.7 and b:
            del b[rnd.randrange(len(b))]
        elif r < 0.85:
            b.insert(rnd.randrange(len(b) + 1), rnd.randrange(256))
        else:
            i, j = rnd.randrange(len(b) + 1), rnd.randrange(len(b) + 1)
            b[i:i] = b[min(i, j):max(i, j)][:64]
    return bytes(b)


def mutate_argv(rnd, s):
    toks = s.split(b'\n')
    head, body = toks[0], toks[1:]
    for _ in range(rnd.randint(1, 5)):
        r = rnd.random()
        if r < 0.4 and body:
            body[rnd.randrange(len(body))] = rnd.choice(WORDS)
        elif r < 0.6 and body:
            del body[rnd.randrange(len(body))]
        elif r < 0.8:
            body.insert(rnd.randrange(len(body) + 1), rnd.choice(WORDS))
        elif body:
            i = rnd.randrange(len(body))
            body = body[:i] + body[i:][:3] + body[i:]
    return b'\n'.join([head] + body)


def mutate_yaml(rnd, s):
    lines = s.decode('latin-1').split('\n')
    for _ in range(rnd.randint(1, 4)):
        i, k = rnd.randrange(len(lines)), rnd.randint(0, 4)
        if k == 0 and len(lines) > 1:
            del lines[i]
        elif k == 1:
            lines.insert(i, lines[rnd.randrange(len(lines))])
        elif k == 2 and ':' in lines[i]:
            lines[i] = lines[i].split(':', 1)[0] + ': ' + rnd.choice(YAML_TOKENS)
        elif k == 3:
            lines.insert(i, ' ' * rnd.randint(0, 12) + rnd.choice(YAML_TOKENS) + ': ' +
                         rnd.choice(YAML_TOKENS))
        else:
            lines[i] = ' ' * rnd.randint(0, 3) + lines[i]
    return '\n'.join(lines).encode('latin-1')


def mutate(rnd, target, s):
    for _ in range(rnd.randint(1, 3)):
        if target in JSON_TARGETS and rnd.random() < 0.85:
            try:
                c = json.loads(s)
                for _ in range(rnd.randint(1, 4)):
                    c = mutate_json(rnd, c)
                s = json.dumps(c).encode()
                continue
            except ValueError:
                pass
        if target == 'argv' and rnd.random() < 0.8:
            s = mutate_argv(rnd, s)
        elif target == 'lab' and rnd.random() < 0.8:
            s = mutate_yaml(rnd, s)
        else:
            s = mutate_bytes(rnd, s)
    return s


def run(harness, target, files, tmp):
    env = dict(os.environ, HAKO_FUZZ_TMP=tmp)
    env.setdefault('ASAN_OPTIONS', 'detect_leaks=1:abort_on_error=1')
    env.setdefault('UBSAN_OPTIONS', 'halt_on_error=1:print_stacktrace=1')
    p = subprocess.run([harness, target] + files, capture_output=True, env=env)
    return p.returncode, p.stderr.decode(errors='replace')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[1])
    ap.add_argument('--harness', default=os.path.join(SRC, 'build', 'tests', 'fuzz_parsers'))
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--cases', type=int, default=500, help='per target')
    ap.add_argument('--keep', default='fuzz-crashes')
    ap.add_argument('targets', nargs='*', default=list(SEEDS))
    a = ap.parse_args()
    failed = 0
    work = tempfile.mkdtemp(prefix='hako-fuzz-')
    try:
        for target in a.targets:
            seeds = sorted(f for g in SEEDS[target] for f in glob.glob(g))
            if not seeds:
                sys.exit(f'fuzz: {target}: no seeds')
            rnd = random.Random(f'{a.seed}:{target}')
            texts = [open(f, 'rb').read() for f in seeds]
            done, crash = 0, None
            rc, err = run(a.harness, target, seeds, work)  # the seeds themselves first
            if rc != 0:
                crash = (seeds[0] if len(seeds) == 1 else 'a seed', err)
            while crash is None and done < a.cases:
                files = []
                for j in range(min(200, a.cases - done)):
                    fn = os.path.join(work, f'{target}-{j}')
                    with open(fn, 'wb') as f:
                        f.write(mutate(rnd, target, rnd.choice(texts)))
                    files.append(fn)
                rc, err = run(a.harness, target, files, work)
                done += len(files)
                if rc != 0:  # which one: each alone
                    for fn in files:
                        rc1, err1 = run(a.harness, target, [fn], work)
                        if rc1 != 0:
                            os.makedirs(a.keep, exist_ok=True)
                            kept = os.path.join(a.keep, os.path.basename(fn))
                            shutil.copy(fn, kept)
                            crash = (kept, err1)
                            break
                    else:
                        crash = ('the batch (no single input repeats it)', err)
            if crash:
                failed += 1
                lines = [l for l in crash[1].splitlines()
                         if 'ERROR' in l or 'runtime error' in l or ' in ' in l][:12]
                print(f'not ok {target}: {crash[0]} (after {done} inputs)')
                print('\n'.join('#   ' + l.strip() for l in lines))
            else:
                print(f'ok {target}: {len(seeds)} seeds and {done} mutations, none crashed')
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
