#!/usr/bin/env python3
"""hako's documentation from one source: docs/hako.md (the tool: global options, exit
statuses, batch mode) and docs/parts/*.md (one per command group or topic).

Every command is a section whose heading is `hako GROUP VERB` (or `hako CMD`), followed by
its synopsis: an indented block or an inline-code line starting with `hako `. From that:

  gendoc.py help OUT.c      the usage table `hako CMD --help` and `hako GROUP help` print
  gendoc.py man OUTDIR      the man pages: hako.1 (docs/hako.md), hako-PART.8 (docs/parts)
  gendoc.py cli [OUT]       docs/cli.md, the whole reference on one page (committed, for
                            readers of the repository; `check` fails when it is stale)
  gendoc.py completion OUT  bash completion: the groups, verbs and options of the synopses
  gendoc.py check           the agreement test: the verbs and options the C sources accept
                            (verb tables, getopt tables) against the documented synopses,
                            and the JSON keys of the output columns against docs/json.md.
                            Prints one line per disagreement; exit 1 if any.
"""
import os
import re
import sys
import textwrap

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
PARTS = os.path.join(TOP, 'docs', 'parts')
CLI = os.path.join(TOP, 'src', 'cli')
GLOBAL_OPTS = {'-j', '--json', '-n', '--netns', '-b', '--batch', '--atomic', '--root', '-h',
               '--help', '-V', '--version'}
HEAD = re.compile(r'^(#{1,4})\s+(.*?)\s*$')
OPT = re.compile(r'(?<![\w\-/=:.])(--[a-z][a-z0-9-]*|-[a-zA-Z0-9])(?![\w-])')


def part_files():
    return sorted(f for f in os.listdir(PARTS) if f.endswith('.md'))


def command_words(heading):
    """'hako netns list' -> 'netns list'; 'hako run IMAGE' -> 'run'; else None"""
    w = heading.replace('`', '').split()
    if len(w) < 2 or w[0] != 'hako':
        return None
    cmd = []
    for x in w[1:]:
        if not re.fullmatch(r'[a-z][a-z0-9-]*', x):
            break
        cmd.append(x)
    return ' '.join(cmd) or None


def sections():
    """[(file, cmd, primary, synopsis lines)] for every command section of docs/parts"""
    out = []
    for f in part_files():
        lines = open(os.path.join(PARTS, f), encoding='utf-8').read().split('\n')
        for i, l in enumerate(lines):
            m = HEAD.match(l)
            if not m:
                continue
            cmd = command_words(m.group(2))
            if not cmd:
                continue
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            syn = []
            if j < len(lines) and lines[j].startswith('    hako '):
                while j < len(lines) and lines[j].startswith('    ') and lines[j].strip():
                    syn.append(lines[j][4:].rstrip())
                    j += 1
            elif j < len(lines) and lines[j].startswith('`hako '):
                syn.append(lines[j][1:lines[j].index('`', 1)])
            if not syn:
                continue  # a group's introduction, not a command
            primary = m.group(2).replace('`', '').strip() == 'hako ' + cmd
            k = j
            while k < len(lines) and not HEAD.match(lines[k]):
                k += 1
            body = set()
            for code in re.findall(r'`([^`]*)`', '\n'.join(lines[j:k])):
                body |= set(OPT.findall(code))
            out.append((f, cmd, primary, syn, body))
    return out


def synopsis_opts(cmd, syn):
    """the options a synopsis shows after the command's own words"""
    text = ' '.join(syn)
    text = re.sub(r'\(alias[^)]*\)', '', text)
    at = re.search(r'(?<![\w-])' + re.escape(cmd) + r'(?![\w-])', text)
    text = text[at.end():] if at else text
    # --opt[=VALUE] and [-4|-6] forms: every option word
    return set(OPT.findall(text))


def c_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'


def kind_synopses():
    """'link add type KIND': its usage, from the kind table of docs/parts/link.md (what
    `hako link add NAME type KIND help` prints, as `ip link add type KIND help` does)"""
    text = open(os.path.join(PARTS, 'link.md'), encoding='utf-8').read()
    out = {}
    for kinds, args in re.findall(r'^\|\s*(`[a-z]+`(?:,\s*`[a-z]+`)*)\s*\|\s*(.*?)\s*\|\s*$', text, re.M):
        args = args.replace('\\|', '|')
        args = ' '.join(re.findall(r'`([^`]*)`', args)) if '`' in args else ''
        for k in re.findall(r'`([a-z]+)`', kinds):
            syn = f'hako [-n NETNS] link add NAME [mtu N] [address MAC] [master BR] [up] [netns NS] type {k}'
            out[f'link add type {k}'] = syn + (' ' + args if args else '')
    return out


def section_options():
    """{cmd: [(option words, description)]}: the options a command's section describes, as
    bullets ("- `-t, --type TYPE` text", continued by indented lines) or table rows
    ("| `--opt` | text |"), for --help"""
    out = {}
    for f in part_files():
        lines = open(os.path.join(PARTS, f), encoding='utf-8').read().split('\n')
        cmd = None
        for i, l in enumerate(lines):
            m = HEAD.match(l)
            if m:
                w = command_words(m.group(2))
                cmd = w if w and m.group(2).replace('`', '').strip() == 'hako ' + w else None
                continue
            if not cmd:
                continue
            b = re.match(r'^- `(-[^`]+)`[:,]?\s*(.*)$', l)
            t = re.match(r'^\|\s*`(-[^`]+)`\s*\|\s*(.*?)\s*\|\s*$', l)
            if b:
                text = b.group(2)
                k = i + 1
                while k < len(lines) and lines[k].startswith('  ') and not lines[k].lstrip().startswith('- '):
                    text += ' ' + lines[k].strip()
                    k += 1
                out.setdefault(cmd, []).append((b.group(1), text))
            elif t:
                out.setdefault(cmd, []).append((t.group(1), t.group(2).replace('\\|', '|')))
    return out


def plain(s):
    """markdown inline text as --help prints it"""
    s = re.sub(r'\[([^\]]+)\]\([^)]+\)', r'\1', s)
    return s.replace('`', '').replace('**', '')


def gen_help(out):
    seen, options = {}, {}
    opts = section_options()
    if 'run' in opts and 'create' not in opts:
        opts['create'] = opts['run']  # create takes every option of run
    for f, cmd, primary, syn, _ in sections():
        if primary and cmd not in seen:
            wrapped = []
            for line in syn:  # --help: lines of at most 90 columns, continued under the verb
                wrapped += textwrap.wrap(line, 88, subsequent_indent=' ' * 9,
                                         break_long_words=False, break_on_hyphens=False) \
                    if len(line) > 88 else [line]
            seen[cmd] = '\n'.join(wrapped)
            wrapped = []
            if opts.get(cmd):
                wrapped.append('Options:')
                for words, text in opts[cmd]:
                    head = '  ' + plain(words)
                    body = textwrap.wrap(plain(text), 88 - 24, break_long_words=False,
                                         break_on_hyphens=False) or ['']
                    if len(head) < 22:
                        wrapped.append(f'{head:<24}{body[0]}')
                    else:
                        wrapped.append(head)
                        wrapped.append(' ' * 24 + body[0])
                    wrapped += [' ' * 24 + x for x in body[1:]]
            options[cmd] = '\n'.join(wrapped)
    seen.update(kind_synopses())
    with open(out, 'w') as o:
        o.write('/* Generated by scripts/gendoc.py from the docs/parts pages: do not edit. */\n')
        o.write('#include <stddef.h>\n#include "usage.h"\n\n')
        o.write('const struct cmd_doc cmd_docs[] = {\n')
        for cmd in sorted(seen):
            opt = c_str(options[cmd]) if options.get(cmd) else 'NULL'
            o.write(f'\t{{ {c_str(cmd)}, {c_str(seen[cmd])}, {opt} }},\n')
        o.write('\t{ NULL, NULL, NULL },\n};\n')


# --- man pages -----------------------------------------------------------------------------

def roff_inline(s):
    s = s.replace('\\', '\\e')
    s = re.sub(r'\[([^\]]+)\]\([^)]+\)', r'\1', s)  # links: their text
    parts = re.split(r'(`[^`]*`)', s)
    r = []
    for p in parts:
        if p.startswith('`') and p.endswith('`') and len(p) > 1:
            r.append('\\fB' + p[1:-1].replace('-', '\\-') + '\\fR')
        else:
            p = re.sub(r'\*\*([^*]+)\*\*', r'\\fB\1\\fR', p)
            p = re.sub(r'(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', r'\\fI\1\\fR', p)
            r.append(p.replace('-', '\\-'))
    line = ''.join(r)
    line = ''.join(ch if ord(ch) < 128 else f'\\[u{ord(ch):04X}]' for ch in line)
    if line.startswith(('.', "'")):
        line = '\\&' + line
    return line


def md_to_man(md, name, section, title):
    out = [f'.TH {name.upper()} {section} "" "hako" "hako manual"', '.SH NAME',
           f'{name} \\- {roff_inline(title)}']
    lines = md.split('\n')
    i, para = 0, []

    def flush():
        if para:
            out.append('.PP')
            out.extend(roff_inline(x) for x in para)
            para.clear()
    first = True
    while i < len(lines):
        l = lines[i]
        m = HEAD.match(l)
        if m:
            flush()
            if first and len(m.group(1)) <= 2:
                first = False
                out.append('.SH DESCRIPTION')
            elif len(m.group(1)) <= 2:
                out.append('.SH ' + roff_inline(m.group(2).replace('`', '')).upper())
            else:
                out.append('.SS ' + roff_inline(m.group(2).replace('`', '')))
            i += 1
            continue
        first = False
        if l.startswith('```'):
            flush()
            out += ['.PP', '.RS 4', '.nf']
            i += 1
            while i < len(lines) and not lines[i].startswith('```'):
                out.append(roff_inline(lines[i].replace('`', '\x00')).replace('\x00', '`'))
                i += 1
            out += ['.fi', '.RE']
            i += 1  # the closing fence
            continue
        if l.startswith('    ') and not para:
            flush()
            out += ['.PP', '.RS 4', '.nf']
            while i < len(lines) and (lines[i].startswith('    ') or not lines[i].strip()):
                if not lines[i].strip() and not (i + 1 < len(lines) and
                                                  lines[i + 1].startswith('    ')):
                    break
                out.append(roff_inline(lines[i][4:].replace('`', '\x00')).replace('\x00', '`'))
                i += 1
            out += ['.fi', '.RE']
            continue
        if l.startswith('|'):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith('|'):
                cells = [c.strip() for c in lines[i].strip().strip('|').split('|')]
                if not all(re.fullmatch(r':?-+:?', c) for c in cells if c):
                    rows.append(cells)
                i += 1
            for r in rows[1:]:
                out.append('.TP')
                out.append(roff_inline(r[0]))
                out.append(roff_inline(' \\(em '.join(r[1:])).replace('\\e(em', '\\(em'))
            continue
        if re.match(r'^\s*[-*] ', l):
            flush()
            out.append('.IP \\(bu 2')
            out.append(roff_inline(re.sub(r'^\s*[-*] ', '', l)))
            i += 1
            while i < len(lines) and lines[i].startswith('  ') and lines[i].strip() and \
                    not re.match(r'^\s*[-*] ', lines[i]):
                out.append(roff_inline(lines[i].strip()))
                i += 1
            continue
        if not l.strip():
            flush()
        else:
            para.append(l.strip())
        i += 1
    flush()
    out += ['.SH SEE ALSO', 'hako(1), ip(8), lsns(8), nsenter(1), docker\\-run(1)']
    return '\n'.join(out) + '\n'


PART_ORDER = ['netns', 'ns', 'link', 'tuntap', 'addr', 'route', 'rule', 'neigh', 'monitor', 'container',
              'network', 'image', 'security', 'oci']


def ordered_parts():
    names = [f[:-3] for f in part_files()]
    return [p for p in PART_ORDER if p in names] + sorted(set(names) - set(PART_ORDER))


def cli_md():
    out = [open(os.path.join(TOP, 'docs', 'hako.md'), encoding='utf-8').read().rstrip('\n')
           .replace('# hako — network namespaces, links and lightweight containers',
                    '# hako command reference', 1)]
    out.append('\n<!-- Generated by scripts/gendoc.py cli from docs/hako.md and docs/parts/*.md:'
               ' edit those. -->\n\n## Command groups')
    parts = ordered_parts()
    out.append('\n'.join(f'- [{p}](#{p})' for p in parts))
    for p in parts:
        md = open(os.path.join(PARTS, p + '.md'), encoding='utf-8').read().rstrip('\n')
        first = HEAD.match(md.split('\n', 1)[0])
        if first and len(first.group(1)) == 1:
            md = re.sub(r'^(#+) ', lambda m: '#' + m.group(1) + ' ', md, flags=re.M)
        out.append(f'<a id="{p}"></a>\n\n' + md)
    return '\n\n'.join(out) + '\n'


def gen_cli(path):
    with open(path, 'w', encoding='utf-8') as o:
        o.write(cli_md())


# live names completed per placeholder of a synopsis (after the command's own words), and
# NAME by group: the objects each command names
LIVE_WORDS = {'CT': 'ct', 'IMAGE': 'image', 'NET': 'net', 'DEV': 'link', 'BR': 'link',
              'NETNS': 'netns', 'NS': 'netns', 'VM': 'vm'}
LIVE_NAME = {'netns': 'netns', 'link': 'link', 'network': 'net', 'lab': 'lab',
             'tunnel': 'tunnel', 'vm': 'vm', 'image': 'image'}
# how each kind of name is listed: a hako JSON listing and its key (or a directory)
LIVE_LIST = {
    'netns': 'ls /run/netns 2>/dev/null',
    'link': '_hako_json "ifname" ${ns:+-n "$ns"} link show',
    'ct': '_hako_json "name" ps -a',
    'image': '_hako_json "name" image ls',
    'net': '_hako_json "name" network ls',
    'lab': '_hako_json "name" lab ls',
    'tunnel': '_hako_json "name" tunnel ls',
    'vm': '_hako_json "name" vm ls',
}


def live_kinds(cmd, syn):
    text = ' '.join(syn)
    text = re.sub(r'\(alias[^)]*\)', '', text)
    at = re.search(r'(?<![\w-])' + re.escape(cmd) + r'(?![\w-])', text)
    text = text[at.end():] if at else text
    text = re.sub(r'-[\w-]+[ =]\[?[A-Z]+', '', text)  # an option's own value is not an operand
    words = set(re.findall(r'\b[A-Z][A-Z_]*\b', text))
    kinds = {LIVE_WORDS[w] for w in words if w in LIVE_WORDS}
    g = cmd.split(' ')[0]
    if 'NAME' in words and g in LIVE_NAME and ' ' in cmd and not cmd.endswith((' add', ' create', ' up')):
        kinds.add(LIVE_NAME[g])
    return sorted(kinds)


def gen_completion(out):
    cmds, live = {}, {}
    for f, cmd, primary, syn, body in sections():
        cmds.setdefault(cmd, set()).update(synopsis_opts(cmd, syn) | body)
        if primary:
            live[cmd] = live_kinds(cmd, syn)
    groups = {}
    for c in cmds:
        w = c.split(' ')
        if len(w) == 2:
            groups.setdefault(w[0], []).append(w[1])
    tops = sorted({c.split(' ')[0] for c in cmds})
    with open(out, 'w') as o:
        o.write('# bash completion for hako. Generated by scripts/gendoc.py from docs/parts.\n')
        o.write('# Words: the documented verbs and options; names (namespaces, devices, containers,\n'
                '# images, networks, labs, tunnels, VMs): listed live, through hako itself.\n')
        o.write('_hako_json() { # KEY ARGS...: the values of KEY in `hako -j ARGS`\n'
                '\tlocal key=$1\n\tshift\n'
                '\t"$_hako_bin" ${root:+--root "$root"} -j "$@" 2>/dev/null |\n'
                '\t\tgrep -o "\\"$key\\": *\\"[^\\"]*\\"" | sed \'s/.*: *"\\(.*\\)"/\\1/\'\n}\n')
        o.write('_hako_live() { # KIND...\n\tlocal k\n\tfor k; do\n\t\tcase $k in\n')
        for k in sorted(LIVE_LIST):
            o.write(f'\t\t{k}) {LIVE_LIST[k]} ;;\n')
        o.write('\t\tesac\n\tdone\n}\n')
        o.write('_hako() {\n\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}'
                ' i w=() words live="" ns="" root=""\n')
        o.write('\tlocal _hako_bin=${COMP_WORDS[0]}\n')
        o.write('\tfor ((i = 1; i < COMP_CWORD; i++)); do\n')
        o.write('\t\tcase ${COMP_WORDS[i]} in -n|--netns) ns=${COMP_WORDS[i+1]}; ((i++)) ;;'
                ' --root) root=${COMP_WORDS[i+1]}; ((i++)) ;; -b|--batch) ((i++)) ;;'
                ' -*) ;; *) w+=("${COMP_WORDS[i]}") ;; esac\n\tdone\n')
        # a namespace after -n, and after the keyword netns past the group and verb
        o.write('\tif [[ $prev == -n || $prev == --netns ]] || { [[ $prev == netns ]] && ((${#w[@]} >= 2)); }; then\n'
                '\t\tCOMPREPLY=($(compgen -W "$(_hako_live netns)" -- "$cur"))\n\t\treturn\n\tfi\n')
        o.write('\tcase "${w[0]:-} ${w[1]:-}" in\n')
        for c in sorted(cmds):
            if ' ' in c:
                o.write(f'\t"{c}") words="{" ".join(sorted(cmds[c]))}" live="{" ".join(live.get(c, []))}" ;;\n')
        o.write('\t*)\n\t\tcase "${w[0]:-}" in\n')
        for g in sorted(groups):
            o.write(f'\t\t{g}) words="{" ".join(sorted(groups[g]))} help" ;;\n')
        for c in sorted(cmds):
            if ' ' not in c and c not in groups:
                o.write(f'\t\t{c}) words="{" ".join(sorted(cmds[c]))} --help" live="{" ".join(live.get(c, []))}" ;;\n')
        o.write(f'\t\t"") words="{" ".join(tops)} -j --json -n --netns -b --batch --root'
                ' --atomic --help --version -br -s -d -o -p" ;;\n')
        o.write('\t\tesac ;;\n\tesac\n')
        o.write('\t[ -n "$live" ] && [[ $cur != -* ]] && words="$words $(_hako_live $live)"\n')
        o.write('\tCOMPREPLY=($(compgen -W "$words" -- "$cur"))\n}\ncomplete -o default -F _hako hako\n')


def gen_zsh(out, bash):
    """zsh: the same function through zsh's bash completion emulation (bashcompinit); the
    file is autoloaded as _hako on the first completion: it registers the bash function for
    the next ones and answers this one"""
    body = open(bash, encoding='utf-8').read()
    body = re.sub(r'\b_hako\(\)', '_hako_bash()', body)
    body = body.replace('complete -o default -F _hako hako\n', '')
    with open(out, 'w') as o:
        o.write('#compdef hako\n# zsh completion for hako. Generated by scripts/gendoc.py: the bash\n'
                '# completion (from docs/parts) through zsh\'s bashcompinit.\n')
        o.write('autoload -U +X bashcompinit && bashcompinit\n')
        o.write(body)
        o.write('complete -o default -F _hako_bash hako\n_bash_complete -o default -F _hako_bash\n')


def gen_man(outdir):
    os.makedirs(outdir, exist_ok=True)
    cli = open(os.path.join(TOP, 'docs', 'hako.md'), encoding='utf-8').read()
    with open(os.path.join(outdir, 'hako.1'), 'w') as o:
        o.write(md_to_man(cli, 'hako', 1,
                          'network namespaces, links and lightweight containers'))
    for f in part_files():
        md = open(os.path.join(PARTS, f), encoding='utf-8').read()
        m = HEAD.match(md.split('\n', 1)[0])
        title = m.group(2) if m else f[:-3]
        title = re.sub(r'^hako\s+\S+\s+[—-]\s+', '', title.replace('`', ''))
        with open(os.path.join(outdir, f'hako-{f[:-3]}.8'), 'w') as o:
            o.write(md_to_man(md, f'hako-{f[:-3]}', 8, title))


# --- the agreement test --------------------------------------------------------------------

def strip_comments(src):
    src = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), src, flags=re.S)
    return re.sub(r'//[^\n]*', '', src)


def c_sources():
    return {f: strip_comments(open(os.path.join(CLI, f), encoding='utf-8').read())
            for f in sorted(os.listdir(CLI)) if f.endswith('.c')}


def functions(src):
    """[(name, start, end)] of the top-level function bodies of a C file"""
    out = []
    for m in re.finditer(r'^[a-z][^\n;(]*?\b(\w+)\s*\([^;{]*?\)\s*\{', src, re.M):
        depth, j = 0, m.end() - 1
        while j < len(src):
            depth += {'{': 1, '}': -1}.get(src[j], 0)
            if depth == 0:
                break
            j += 1
        out.append((m.group(1), m.start(), j))
    return out


def verb_tables(srcs):
    """{fn: cmd} for every verb of every group, {cmd: [aliases]}, the single commands"""
    fn_cmd, aliases = {}, {}
    groups = re.search(r'groups\[\] = \{(.*?)\n\};', srcs['cmd.c'], re.S).group(1)
    for name, alias, fn in re.findall(r'\{\s*"([\w-]+)",\s*(NULL|"[\w-]+"),\s*(\w+),', groups):
        fn_cmd[fn] = name
        if alias != 'NULL':
            aliases.setdefault(name, []).append(alias.strip('"'))
    grouped = set()
    for f, src in srcs.items():
        for g, table in re.findall(r'cmd_dispatch\(ctx,\s*"([\w-]+)",\s*(\w+),', src):
            grouped.add(g)
            body = re.search(r'struct cmd_verb ' + table + r'\[\] = \{(.*?)\n\};', src, re.S)
            for name, alias, fn in re.findall(r'\{\s*"([\w-]+)",\s*(NULL|"[\w-]+"),\s*(\w+)',
                                              body.group(1)):
                fn_cmd[fn] = f'{g} {name}'
                if alias != 'NULL':
                    aliases.setdefault(f'{g} {name}', []).append(alias.strip('"'))
    cmds = {c for c in fn_cmd.values() if c not in grouped}
    return fn_cmd, aliases, cmds


def option_table(src, name, before):
    """the options of `static const struct option NAME[]` nearest before offset `before`"""
    best = None
    for m in re.finditer(r'struct option ' + name + r'\[\] = \{(.*?)\};', src, re.S):
        if m.start() < before:
            best = m
    if not best:
        return set()
    return {'--' + n for n in re.findall(r'\{\s*"([\w-]+)",', best.group(1))}


def short_opts(optstring):
    return {'-' + c for c in optstring.lstrip('+-:') if c != ':'}


def c_options(srcs, fn_cmd):
    """{cmd: options} from every cmd_getopt_init and getopt_long call of src/cli"""
    opts = {}
    calls = {}  # function name -> functions calling it, per file
    for f, src in srcs.items():
        fns = functions(src)
        for name, a, b in fns:
            for callee in set(re.findall(r'\b(\w+)\s*\(', src[a:b])):
                calls.setdefault(callee, set()).add(name)

        def owners(fn, depth=0):
            if fn in fn_cmd:
                return {fn_cmd[fn]}
            if depth > 4:
                return set()
            r = set()
            for caller in calls.get(fn, ()):
                if caller != fn:
                    r |= owners(caller, depth + 1)
            return r
        pat = re.compile(r'cmd_getopt_init\(ctx,\s*&g,\s*("[^"]*"|\w+),\s*("[^"]*"|\w+),\s*(\w+)'
                         r'|getopt_long\(\w+,\s*\w+,\s*("[^"]*"|\w+),\s*(\w+)')
        for m in pat.finditer(src):
            fn = next((n for n, a, b in fns if a <= m.start() <= b), None)
            if m.group(1):
                name, ostr, table = m.group(1), m.group(2), m.group(3)
            else:
                name, ostr, table = None, m.group(4), m.group(5)
            if ostr.startswith('"'):
                ostr = ostr[1:-1]
            else:
                d = re.search(r'\b' + ostr + r'\[\] = "([^"]*)"', src)
                ostr = d.group(1) if d else ''
            if fn == 'main':
                continue  # the global options (docs/cli.md)
            if name and name.startswith('"'):
                cmds = {name[1:-1]}
            else:
                cmds = owners(fn) if fn else set()
            o = option_table(src, table, m.start()) | short_opts(ostr)
            for c in cmds:
                opts.setdefault(c, set()).update(o)
    return opts


def json_keys_check():
    bad = []
    doc = open(os.path.join(TOP, 'docs', 'json.md'), encoding='utf-8').read()
    for f in part_files():  # JSON key tables of the parts count too
        doc += open(os.path.join(PARTS, f), encoding='utf-8').read()
    # a table row's first cell ("| `key` |" or "| key |"), and key lists ("`ps -j`: a, b")
    strict = set(re.findall(r'^\|\s*`([a-z_][\w.]*)`\s*\|', doc, re.M))
    documented = set(re.findall(r'^\|\s*`?([a-z_][\w.]*)`?\s*\|', doc, re.M))
    for lst in re.findall(r'^\|?\s*`[a-z ]+ -j[^`]*`\s*[|:](.*)$', doc, re.M):
        documented |= set(re.findall(r'\b[a-z_][a-z0-9_]*\b', lst))
    made = set()
    for root, _, files in os.walk(os.path.join(TOP, 'src')):
        for f in files:
            if not f.endswith('.c'):
                continue
            src = strip_comments(open(os.path.join(root, f), encoding='utf-8').read())
            for t in re.findall(r'struct out_col \w+\[\] = \{(.*?)\};', src, re.S):
                for key in re.findall(r'\{\s*"[^"]*",\s*"([\w.]+)"', t):
                    made.add(key)
                    if key not in documented:
                        bad.append(f'src/{os.path.relpath(os.path.join(root, f), os.path.join(TOP, "src"))}: '
                                   f'JSON key "{key}" (an output column) is not in docs/json.md or docs/parts')
            made |= set(re.findall(r'json_object_object_add\([^,]+,\s*"([\w.]+)"', src))
            made |= set(re.findall(r'\bj_\w+\([^,]+,\s*"([\w.]+)"', src))
            made |= set(re.findall(r'"([a-z_][a-z0-9_]*)"', src))
    for key in sorted(k for k in strict if k.split('.')[-1] not in made):
        bad.append(f'docs/json.md: key `{key}` is made by no output column or JSON object')
    return bad


def check():
    srcs = c_sources()
    fn_cmd, aliases, singles = verb_tables(srcs)
    documented, mentioned = {}, {}
    primary = set()
    for f, cmd, prim, syn, body in sections():
        documented.setdefault(cmd, set()).update(synopsis_opts(cmd, syn))
        mentioned.setdefault(cmd, set()).update(synopsis_opts(cmd, syn) | body)
        if prim:
            primary.add(cmd)
    bad = []
    commands = set(fn_cmd.values()) - {g for g in set(fn_cmd.values())
                                       if any(c.startswith(g + ' ') for c in fn_cmd.values())}
    for c in sorted(commands):
        if c not in primary:
            bad.append(f'hako {c}: no section "hako {c}" with a synopsis in docs/parts')
    for c in sorted(primary - commands):
        bad.append(f'docs/parts: "hako {c}" is not a command of src/cli')
    copts = c_options(srcs, fn_cmd)
    for c in sorted(commands):
        have = copts.get(c, set())
        doc = documented.get(c, set()) - (GLOBAL_OPTS if c not in ('ns list', 'ns show') else set())
        for o in sorted(have - mentioned.get(c, set())):
            bad.append(f'hako {c}: option {o} is accepted but not in its synopsis (docs/parts)')
        for o in sorted(doc - have if c in copts else ()):  # keyword grammars: no getopt
            bad.append(f'hako {c}: option {o} is documented but not accepted')
    bad += json_keys_check()
    if open(os.path.join(TOP, 'docs', 'cli.md'), encoding='utf-8').read() != cli_md():
        bad.append('docs/cli.md: stale; run scripts/gendoc.py cli (it is made from docs/hako.md '
                   'and docs/parts/*.md)')
    for b in bad:
        print(b)
    if not bad:
        print(f'docs agree: {len(commands)} commands, their options and the JSON keys')
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'help':
        gen_help(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == 'man':
        gen_man(sys.argv[2])
    elif len(sys.argv) in (2, 3) and sys.argv[1] == 'cli':
        gen_cli(sys.argv[2] if len(sys.argv) == 3 else os.path.join(TOP, 'docs', 'cli.md'))
    elif len(sys.argv) in (3, 4) and sys.argv[1] == 'completion':
        gen_completion(sys.argv[2])
        if len(sys.argv) == 4:
            gen_zsh(sys.argv[3], sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == 'check':
        return check()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
