#!/bin/bash
# The default seccomp profile of a `hako run` container refuses the breakout syscalls with
# EPERM; run unconfined the same raw calls reach the kernel (EFAULT/EINVAL/EBADF/success), so
# it is the filter that refuses; the right --cap-add opens exactly the matching calls.
. "$HAKO_SRC/tests/integration/security/common.bash"
if [ "$(uname -m)" != x86_64 ]; then
	skip "seccomp probes" "probe.py knows x86_64 syscall numbers only"
	exit 0
fi
probe() { sx "$@" | tr '\n' ' '; }

blocked="mount umount2 pivot_root unshare setns keyctl add_key request_key kexec_load
	kexec_file_load init_module finit_module delete_module bpf perf_event_open userfaultfd
	reboot swapon swapoff settimeofday clock_settime acct lookup_dcookie name_to_handle_at
	open_by_handle_at iopl ioperm personality sethostname"
out=$(probe -- python3 "$PROBE" $blocked clone3 getpid)
for s in $blocked; do
	case " $out " in
	*" $s=EPERM "*) ok "default: $s refused with EPERM" ;;
	*) not_ok "default: $s refused with EPERM"; echo "$out" | diag ;;
	esac
done
case " $out " in *" clone3=ENOSYS "*) ok "default: clone3 gives ENOSYS (libc falls back to clone)" ;;
*) not_ok "default: clone3 gives ENOSYS"; echo "$out" | diag ;; esac
case " $out " in *" getpid=OK "*) ok "default: getpid allowed" ;; *) not_ok "getpid allowed" ;; esac

# The same calls unconfined, same capabilities: the kernel itself answers otherwise.
seen="mount umount2 unshare setns keyctl add_key request_key perf_event_open clock_settime
	clone3 personality"
out=$(probe --security-opt seccomp=unconfined -- python3 "$PROBE" $seen)
for s in $seen; do
	case " $out " in
	*" $s=EPERM "*) not_ok "unconfined: $s reaches the kernel"; echo "$out" | diag ;;
	*" $s="*) ok "unconfined: $s reaches the kernel ($(echo " $out " | sed "s/.* $s=\([A-Z]*\) .*/\1/"))" ;;
	*) not_ok "unconfined: $s probed" ;;
	esac
done

# Tools, not just raw calls.
check_fail "default: unshare -n refused" 1 "Operation not permitted" sx -- unshare -n true
check "--cap-add SYS_ADMIN: unshare -n works" sx --cap-add SYS_ADMIN -- unshare -n true
check "--cap-add SYS_ADMIN: mount tmpfs works (the container's own mount ns)" \
	sx --cap-add SYS_ADMIN -- mount -t tmpfs none /mnt
if sx -- mount -t tmpfs none /mnt 2>/dev/null; then not_ok "default: mount refused"; else ok "default: mount refused"; fi
out=$(probe --cap-add SYS_ADMIN -- python3 "$PROBE" unshare setns mount clone3)
is "+SYS_ADMIN opens unshare/setns/mount/clone3" "$out" "unshare=OK setns=EBADF mount=EFAULT clone3=EINVAL "
out=$(probe --cap-add SYS_TIME -- python3 "$PROBE" clock_settime settimeofday)
is "+SYS_TIME opens the clock calls (harmless arguments)" "$out" "clock_settime=EINVAL settimeofday=OK "
out=$(probe --cap-add SYS_BOOT -- python3 "$PROBE" reboot kexec_load)
is "+SYS_BOOT opens reboot (bad magic: EINVAL), not kexec_load" "$out" "reboot=EINVAL kexec_load=EPERM "
out=$(probe --security-opt no-new-privileges=false -- python3 "$PROBE" mount keyctl)
is "without no_new_privs the filter still holds" "$out" "mount=EPERM keyctl=EPERM "
out=$(probe --user 1000 -- python3 "$PROBE" keyctl getpid)
is "as a non-root user the filter holds" "$out" "keyctl=EPERM getpid=OK "
