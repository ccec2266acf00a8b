#!/bin/bash
# Shell completion, generated from the docs (scripts/gendoc.py completion): bash's is
# registered for hako (complete -p) and completes groups, verbs and options, and the names
# of live objects through hako itself — namespaces, devices in a -n namespace, containers,
# networks; zsh's runs the same function through bashcompinit.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/container/common.inc"
B=$(dirname "$HAKO")
BASHC=$B/completion/hako ZSHC=$B/completion/_hako
[ -f "$BASHC" ] && [ -f "$ZSHC" ] && ok "bash and zsh completion files built" ||
	{ not_ok "completion files in $B/completion"; exit 1; }
s=$(uniq_suffix)

# complete WORDS...: what bash offers for the last word (the rest typed before it)
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hako; printf "%s\n" "${COMPREPLY[@]}"' \
		complete "$BASHC" "$@" | sort | tr '\n' ' '
}
has() { # DESC WANT WORDS...
	local desc=$1 want=$2
	shift 2
	got=$(complete_words "$@")
	case " $got " in *" $want "*) ok "$desc" ;; *) not_ok "$desc: '$want' not in: $got" ;; esac
}
hasnt() {
	local desc=$1 want=$2
	shift 2
	got=$(complete_words "$@")
	case " $got " in *" $want "*) not_ok "$desc: '$want' offered: $got" ;; *) ok "$desc" ;; esac
}

is "complete -p: registered for hako" "$(bash -c '. "$1"; complete -p hako' x "$BASHC")" "complete -o default -F _hako hako"
is "groups from a prefix" "$(complete_words "$HAKO" netw)" "network "
has "verbs of a group" exec "$HAKO" netns ""
has "options of a verb" --network "$HAKO" run --netw
hasnt "control: no option of another verb" --network "$HAKO" ps --
# live names
ip netns add "cmp$s"
on_exit ip netns del "cmp$s"
ip -n "cmp$s" link add "cv$s" type veth peer name "cw$s"
has "a named namespace, for netns del" "cmp$s" "$HAKO" netns del cmp
has "a named namespace, after -n" "cmp$s" "$HAKO" -n cmp
has "a device inside the -n namespace, for link set" "cv$s" "$HAKO" -n "cmp$s" link set ""
hasnt "control: that device is not offered without -n" "cv$s" "$HAKO" link set ""
h run -d --name "web$s" --rootfs "$R" -- sleep 60 >/dev/null
on_exit h rm -f "web$s"
has "a container, for stop (with --root)" "web$s" "$HAKO" --root "$ROOT" stop ""
has "a container, for exec" "web$s" "$HAKO" --root "$ROOT" exec we
hasnt "control: not in another root" "web$s" "$HAKO" --root "$HAKO_TEST_TMP/other" stop ""
h network create --subnet 10.233.7.0/24 "cn$s" >/dev/null 2>&1
on_exit h network rm "cn$s"
has "a network, for network rm" "cn$s" "$HAKO" --root "$ROOT" network rm ""
# zsh: the same function under bashcompinit
if command -v zsh >/dev/null; then
	got=$(zsh -c 'autoload -U +X compinit && compinit -u -d "$2/zcomp"
autoload -U +X bashcompinit && bashcompinit
source <(sed "/^_bash_complete -o/d" "$1")
COMP_WORDS=("$3" netns del cmp); COMP_CWORD=3
compgen -F _hako_bash -- cmp' zsh "$ZSHC" "$HAKO_TEST_TMP" "$HAKO" 2>&1 | tr '\n' ' ')
	case " $got " in *" cmp$s "*) ok "zsh: the namespace through bashcompinit" ;; *) not_ok "zsh: $got" ;; esac
	head -1 "$ZSHC" | grep -qx "#compdef hako" && ok "zsh: #compdef hako" || not_ok "zsh header"
else
	skip "zsh completion" "zsh is not installed"
fi
