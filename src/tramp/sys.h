/* SPDX-License-Identifier: MIT */
/*
 * What hako's freestanding helpers (the exec trampoline, tramp.c, and the container init,
 * init.c) share: the entry point that calls NAME_main(long *sp) and a three-argument system
 * call, per architecture; memset/memcpy, which the compiler may emit calls to; exit_group.
 * Included by exactly one .c per program: the definitions are not static inline on purpose.
 */
#ifndef HK_TRAMP_SYS_H
#define HK_TRAMP_SYS_H

#include <asm/unistd.h>

#ifndef HK_FREESTANDING_MAIN
#error "define HK_FREESTANDING_MAIN (the name of the program's main) before sys.h"
#endif
#define HK_STR2(x) #x
#define HK_STR(x) HK_STR2(x)

#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n\txor %rbp, %rbp\n\tmov %rsp, %rdi\n"
	"\tand $-16, %rsp\n\tcall " HK_STR(HK_FREESTANDING_MAIN) "\n\thlt\n");

static __attribute__((unused)) long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

static __attribute__((unused)) long sys4(long n, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}
#elif defined(__aarch64__)
__asm__(".text\n.global _start\n_start:\n\tmov x29, #0\n\tmov x0, sp\n\tbl " HK_STR(
	HK_FREESTANDING_MAIN) "\n");

static __attribute__((unused)) long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

static __attribute__((unused)) long sys4(long n, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}
#else
#error "hako's freestanding helpers: add this architecture's _start and system call"
#endif

/* the compiler may emit calls to these even in freestanding code */
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

void *memset(void *d, int c, unsigned long n)
{
	volatile unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	volatile unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

static __attribute__((noreturn)) void sys_exit(int code)
{
	for (;;)
		sys3(__NR_exit_group, code, 0, 0);
}

#endif
