#!/usr/bin/env python3
"""Differential checks of JSON dumps (tests of hako against ip).

  jsondiff.py same A.json B.json          the two dumps are equal once ifindex-like fields
                                          (ifindex, link_index, ...) are dropped
  jsondiff.py shared HAKO.json IP.json    two arrays of objects, element by element: every
                                          key both have holds the same value
Prints the first difference and exits 1; exits 0 when they agree."""
import json
import sys

DROP = {'ifindex', 'link_index', 'link_netnsid', 'nsid', 'netnsid', 'index'}


def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items() if k not in DROP}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v


def load(p):
    with open(p, encoding='utf-8') as f:
        txt = f.read().strip()
    # several dumps in one file (ip -4 ...; ip -6 ...): concatenated arrays
    out, dec, i = [], json.JSONDecoder(), 0
    while i < len(txt):
        v, i = dec.raw_decode(txt, i)
        out += v if isinstance(v, list) else [v]
        while i < len(txt) and txt[i].isspace():
            i += 1
    return out


def main():
    mode, a, b = sys.argv[1], load(sys.argv[2]), load(sys.argv[3])
    if mode == 'same':
        a, b = clean(a), clean(b)
        if a != b:
            for x, y in zip(a, b):
                if x != y:
                    print(f'first difference:\n  {json.dumps(x)}\n  {json.dumps(y)}')
                    return 1
            print(f'lengths differ: {len(a)} and {len(b)}')
            return 1
        return 0
    if len(a) != len(b):
        print(f'lengths differ: {len(a)} and {len(b)}')
        return 1
    for n, (x, y) in enumerate(zip(a, b)):
        for k in sorted(set(x) & set(y)):
            if x[k] != y[k]:
                print(f'element {n}, key {k}: {json.dumps(x[k])} and {json.dumps(y[k])}')
                return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
