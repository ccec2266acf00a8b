/* SPDX-License-Identifier: MIT */
/*
 * A VM's serial console (its pty, vm.h hk_vm_console_open) joined to hako's stdin and stdout,
 * as `virsh console`: a terminal on stdin goes raw and Ctrl-] detaches. Input that is not a
 * terminal (a script's pipe) is sent as it comes; after its end the console's output is
 * copied until it has been quiet for quiet_ms, so `echo CMD | hako vm console VM` shows what
 * CMD printed.
 */
#ifndef HK_VM_CONSOLE_H
#define HK_VM_CONSOLE_H

#include "base/err.h"

#define HK_CONSOLE_ESCAPE 0x1d /* Ctrl-] */

int hk_console_attach(int fd, int quiet_ms, struct hk_err *err);

#endif
