/* SPDX-License-Identifier: MIT */
#include "base/prefault.h"

#include <stdint.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define HK_STACK_PREFAULT (128 * 1024)

/* Not inlined: pad is this call's own frame, just below the caller's. Writing its lowest
 * byte grows the stack mapping down to it (one fault); the madvise then maps every page of
 * it at once, written, so that the frames the start pushes there later fault no more. */
__attribute__((noinline)) void hk_stack_prefault(void)
{
	volatile char pad[HK_STACK_PREFAULT];
	pad[0] = 0;
	uintptr_t lo = (uintptr_t)&pad[0] & ~(uintptr_t)4095;
	madvise((void *)lo, (uintptr_t)&pad[HK_STACK_PREFAULT - 1] - lo + 1, MADV_POPULATE_WRITE);
}
