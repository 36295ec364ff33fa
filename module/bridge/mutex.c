// SPDX-License-Identifier: GPL-2.0
/* mutex.c - bridge to mutexes. */
#include <linux/module.h>
#include <linux/mutex.h>
#include "bridge.h"

/**
 * ntwq_mutex_init - __mutex_init() in the lockdep class @key.
 * @lock: the mutex.
 * @name: lockdep name of the class.
 * @key: static lockdep key, one per class of mutex.
 *
 * Context: any context.
 */
void ntwq_mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key)
{
	__mutex_init(lock, name, key);
}

/**
 * ntwq_mutex_lock - mutex_lock().
 * @lock: the mutex.
 *
 * Context: process context; sleeps.
 */
void ntwq_mutex_lock(struct mutex *lock)
{
	mutex_lock(lock);
}

/**
 * ntwq_mutex_unlock - mutex_unlock().
 * @lock: the mutex, held by the caller.
 *
 * Context: process context.
 */
void ntwq_mutex_unlock(struct mutex *lock)
{
	mutex_unlock(lock);
}

/**
 * ntwq_mutex_destroy - mutex_destroy().
 * @lock: an unlocked mutex about to be freed.
 *
 * Context: any context.
 */
void ntwq_mutex_destroy(struct mutex *lock)
{
	mutex_destroy(lock);
}
