// SPDX-License-Identifier: GPL-2.0
/* kref.c - bridge to kref. */
#include <linux/kref.h>
#include <linux/module.h>
#include "bridge.h"

/**
 * ntwq_kref_init - kref_init(): one reference.
 * @kref: the counter.
 *
 * Context: any context.
 */
void ntwq_kref_init(struct kref *kref)
{
	kref_init(kref);
}

/**
 * ntwq_kref_get - kref_get().
 * @kref: a counter the caller holds a reference on.
 *
 * Context: any context.
 */
void ntwq_kref_get(struct kref *kref)
{
	kref_get(kref);
}

/**
 * ntwq_kref_put - kref_put().
 * @kref: the counter.
 * @release: called when the count reaches zero.
 *
 * Context: any context @release can run in.
 * Return: true if @release ran.
 */
bool ntwq_kref_put(struct kref *kref, void (*release)(struct kref *kref))
{
	return kref_put(kref, release);
}

/**
 * ntwq_kref_read - kref_read().
 * @kref: the counter.
 *
 * Context: any context.
 * Return: the count now (for diagnostics and tests).
 */
unsigned int ntwq_kref_read(const struct kref *kref)
{
	return kref_read(kref);
}
