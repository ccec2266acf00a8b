#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the library's layering (docs/architecture.md):

    base < rtnl < ns < store < security < image < network < cni < container < src/cli

  1. every #include "..." in src/lib/LAYER/ names a header of LAYER or of a layer below it;
  2. no include cycle between modules (a module: NAME.c with NAME.h and its folder-private
     NAME_int.h);
  3. with --build DIR: each src/lib/LAYER/*.c is compiled (compile_commands.json) with the
     include directories of LAYER and the layers below it only, so that an upward include
     does not build at all;
  4. no src/cli/*.c calls what builds or enters a container (spawn, rootfs, cgroup, limits,
     namespaces, pty, pre-exec, applying security): the library does that (ctrun.h,
     ctexec.h); the CLI parses, resolves, prints and waits.

Usage: scripts/check-layers.py [--build DIR]. Prints one line per violation; exit 1 if any.
"""
import json
import os
import re
import shlex
import sys

LAYERS = ['base', 'rtnl', 'ns', 'store', 'security', 'image', 'registry', 'network', 'cni',
          'tunnel', 'container', 'vm', 'oci', 'lab']
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB = os.path.join(ROOT, 'src', 'lib')
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
CLI = os.path.join(ROOT, 'src', 'cli')
# 4: what only the library calls (ctrun.c, ctexec.c, container.c) ...
LIB_ONLY = re.compile(r'\b(hk_ct_spawn\w*|hk_ct_wait_prepared|hk_ct_wait_exec|hk_ct_join|'
                      r'hk_cgroup_\w+|hk_cglimits_\w+|hk_sec_apply|hk_rootfs_\w+|'
                      r'hk_ns_persist|hk_ns_unpersist|hk_nsbase_\w+|hk_pty_open|'
                      r'hk_stdio_pipes|hk_preexec_run|hk_workdir_open|hk_keyring_new_session|'
                      r'hk_tramp_open|hk_ctroot_mount\w*|hk_bindsrc_open|hk_caps_\w+|'
                      r'hk_seccomp_\w+|hk_userns_\w+|hk_idmap_\w+|hk_masks_\w+|hk_keyring_\w+)\s*\(')
# ... but none is allowed now: even the checks and opens of the user's input while it is
# parsed are the library's (ctspec.h: hk_ct_spec_rootfs, hk_ct_mount_source; runsec.h)
CLI_ALLOWED = set()


def headers():
    """header basename -> [layer, ...] (a name should live in one folder only)"""
    where = {}
    for layer in LAYERS:
        for f in os.listdir(os.path.join(LIB, layer)):
            if f.endswith('.h'):
                where.setdefault(f, []).append(layer)
    return where


def resolve(name, layer, where):
    """(layer, header path) an include names, or (None, why)"""
    if '/' in name:
        top = name.split('/')[0]
        if top in LAYERS and os.path.exists(os.path.join(LIB, name)):
            return top, name
        return None, 'not a library header'
    if os.path.exists(os.path.join(LIB, layer, name)):
        return layer, f'{layer}/{name}'
    found = where.get(name, [])
    if len(found) == 1:
        return found[0], f'{found[0]}/{name}'
    return None, 'not found' if not found else f'ambiguous ({", ".join(found)})'


def module(path):
    """layer/NAME for layer/NAME.c, layer/NAME.h and layer/NAME_int.h"""
    m = path.rsplit('.', 1)[0]
    return m[:-4] if m.endswith('_int') else m


def main():
    build = None
    if len(sys.argv) == 3 and sys.argv[1] == '--build':
        build = sys.argv[2]
    elif len(sys.argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    where = headers()
    bad = []
    for name, layers in sorted(where.items()):
        if len(layers) > 1:
            bad.append(f'header {name} exists in more than one layer: {", ".join(layers)}')
    edges = {}  # module -> modules it includes
    rank = {l: i for i, l in enumerate(LAYERS)}
    for layer in LAYERS:
        d = os.path.join(LIB, layer)
        for f in sorted(os.listdir(d)):
            if not f.endswith(('.c', '.h')):
                continue
            src = open(os.path.join(d, f), encoding='utf-8').read()
            mod = module(f'{layer}/{f}')
            for inc in INC.findall(src):
                to, path = resolve(inc, layer, where)
                if to is None:
                    if not os.path.exists(os.path.join(d, inc)):
                        bad.append(f'src/lib/{layer}/{f}: #include "{inc}": {path}')
                    continue
                if rank[to] > rank[layer]:
                    bad.append(f'src/lib/{layer}/{f}: #include "{inc}": upward ({layer} < {to})')
                target = module(path)
                if target != mod:
                    edges.setdefault(mod, set()).add(target)
    # cycles: depth-first search over the module graph
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 1:
                cyc = stack[stack.index(n):] + [n]
                bad.append('include cycle: ' + ' -> '.join(cyc))
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    if build:
        db = json.load(open(os.path.join(build, 'compile_commands.json')))
        seen = 0
        for e in db:
            f = os.path.normpath(os.path.join(e['directory'], e['file']))
            rel = os.path.relpath(f, LIB)
            if rel.startswith('..') or '/' not in rel:
                continue
            layer = rel.split('/')[0]
            if layer not in rank:
                continue
            seen += 1
            args = shlex.split(e['command']) if 'command' in e else e['arguments']
            for i, a in enumerate(args):
                d = a[2:] if a.startswith('-I') and len(a) > 2 else (args[i + 1] if a == '-I' else None)
                if d is None:
                    continue
                d = os.path.relpath(os.path.normpath(os.path.join(e['directory'], d)), LIB)
                top = d.split('/')[0]
                if top in rank and rank[top] > rank[layer]:
                    bad.append(f'src/lib/{rel}: compiled with -I src/lib/{d} (above {layer})')
        if not seen:
            bad.append(f'{build}/compile_commands.json: no src/lib/LAYER/*.c compiled')
    for f in sorted(os.listdir(CLI)):
        if not f.endswith('.c'):
            continue
        src = open(os.path.join(CLI, f), encoding='utf-8').read()
        src = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), src, flags=re.S)
        for n, line in enumerate(src.split('\n'), 1):
            for name in LIB_ONLY.findall(line.split('//')[0]):
                if name not in CLI_ALLOWED:
                    bad.append(f'src/cli/{f}:{n}: calls {name}(): library work (ctrun.h, ctexec.h)')
    for b in bad:
        print(b)
    if not bad:
        print(f'layers ok: {" < ".join(LAYERS)}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
