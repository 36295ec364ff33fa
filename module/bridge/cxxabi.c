// SPDX-License-Identifier: GPL-2.0
/*
 * cxxabi.c - the C++ ABI hooks g++ needs that are not ntwq's allocator.
 *
 * Written in C so that BUG() carries the kernel's unreachable annotation,
 * which objtool needs to see that this function does not return.
 */
#include <linux/bug.h>
#include <linux/module.h>
#include <linux/printk.h>
#include "bridge.h"

/**
 * __cxa_pure_virtual - target of a pure virtual slot in a vtable.
 *
 * Reached only by calling a virtual function on an object whose construction
 * has not finished or whose destruction has begun: a bug in ntwq.
 *
 * Context: any context.  Does not return.
 */
void __cxa_pure_virtual(void)
{
	pr_emerg("ntwq: pure virtual function called\n");
	BUG();
}

#ifdef CONFIG_KCSAN
#include <linux/compiler.h>
#include <linux/kcsan-checks.h>

void __tsan_vptr_update(void *vptr_p, void *new_val);

/**
 * __tsan_vptr_update - KCSAN's view of a C++ vtable-pointer store.
 * @vptr_p: the object's vtable pointer (a void **).
 * @new_val: the vtable a constructor or destructor is installing.
 *
 * g++'s -fsanitize=thread (KCSAN) reports each store of a vtable pointer
 * here instead of as a plain write; the kernel, written in C, has no such
 * hook.  A store that changes the pointer is checked as a write; one that
 * writes the value already there (a base and a derived class sharing a
 * vtable) is no access at all, as in user-space ThreadSanitizer.
 *
 * Context: any context.
 */
void __tsan_vptr_update(void *vptr_p, void *new_val)
{
	void **vptr = vptr_p;

	/* A racy look is enough: only a changing store is an access to check. */
	if (data_race(*vptr) != new_val)
		kcsan_check_write(vptr, sizeof(*vptr));
}
#endif
