// SPDX-License-Identifier: GPL-2.0
/*
 * percpu_ref.c - bridge to per-CPU reference counts (a driver's work count).
 */
#include <linux/percpu-refcount.h>
#include "bridge.h"

/**
 * ntwq_percpu_ref_init - percpu_ref_init() in per-CPU mode, one reference held.
 * @ref: the counter.
 * @release: called when the count reaches zero after ntwq_percpu_ref_kill().
 *
 * Its per-CPU counter can fail through ntwq's own fault attribute (the
 * per-CPU allocator has no failslab hook).
 *
 * Context: process context; allocates with GFP_KERNEL.
 * Return: 0 or -ENOMEM.
 */
int ntwq_percpu_ref_init(struct percpu_ref *ref, void (*release)(struct percpu_ref *ref))
{
	if (ntwq_fault_should_fail_alloc(sizeof(unsigned long)))
		return -ENOMEM;
	return percpu_ref_init(ref, release, 0, GFP_KERNEL);
}

/**
 * ntwq_percpu_ref_tryget_live - percpu_ref_tryget_live().
 * @ref: the counter.
 *
 * Context: any context.
 * Return: true with one more reference, false once the counter was killed.
 */
bool ntwq_percpu_ref_tryget_live(struct percpu_ref *ref)
{
	return percpu_ref_tryget_live(ref);
}

/**
 * ntwq_percpu_ref_put - percpu_ref_put().
 * @ref: the counter.
 *
 * Context: any context; the release callback may run here.
 */
void ntwq_percpu_ref_put(struct percpu_ref *ref)
{
	percpu_ref_put(ref);
}

/**
 * ntwq_percpu_ref_kill - percpu_ref_kill(): refuse new references, drop the
 * initial one.
 * @ref: the counter.
 *
 * Context: any context.
 */
void ntwq_percpu_ref_kill(struct percpu_ref *ref)
{
	percpu_ref_kill(ref);
}

/**
 * ntwq_percpu_ref_exit - percpu_ref_exit(): free the per-CPU counters.
 * @ref: a counter that has been released (or never used).
 *
 * Context: process context.
 */
void ntwq_percpu_ref_exit(struct percpu_ref *ref)
{
	percpu_ref_exit(ref);
}
