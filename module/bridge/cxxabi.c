// SPDX-License-Identifier: GPL-2.0
/*
 * cxxabi.c - the one C++ ABI hook g++ needs that is not ntwq's allocator.
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
