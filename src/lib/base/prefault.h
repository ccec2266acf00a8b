/* SPDX-License-Identifier: MIT */
/*
 * The stack a container's start uses, populated in one call instead of page by page.
 *
 * Assembling a container goes about 100 KB deeper into the stack than where its command
 * starts (the spec, the run, the spawn and the rootfs set-up each keep path buffers), and
 * each new stack page is a page fault. On a paravirtualised guest such as the one
 * docs/benchmarks.md measures, a fault costs ~13 us while MADV_POPULATE_WRITE maps a page
 * for ~7 us: populating the pages the start will touch, in one madvise, saves 0.35 ms per
 * OCI run there (300 interleaved rounds). On bare metal both are well under a microsecond.
 */
#ifndef HK_BASE_PREFAULT_H
#define HK_BASE_PREFAULT_H

/* Populate the 128 KB of this thread's stack below the caller (Linux >= 5.14; elsewhere,
 * or when refused, nothing happens: the pages fault in as they are used). */
void hk_stack_prefault(void);

#endif
