// SPDX-License-Identifier: GPL-2.0
/* slab.c - bridge to the slab allocator. */
#include <linux/module.h>
#include <linux/slab.h>
#include "bridge.h"

/**
 * ntwq_kmalloc - kmalloc() for the C++ side.
 * @size: bytes wanted.
 * @gfp: allocation flags (NTWQ_GFP_* from ntwq_layout.h).
 *
 * Context: any context the flags allow.
 * Return: the memory, or NULL.
 */
void *ntwq_kmalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp);
}

/**
 * ntwq_kfree - kfree() for the C++ side.
 * @ptr: memory from ntwq_kmalloc(), or NULL.
 *
 * Context: any context.
 */
void ntwq_kfree(const void *ptr)
{
	kfree(ptr);
}
