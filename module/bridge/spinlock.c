// SPDX-License-Identifier: GPL-2.0
/* spinlock.c - bridge to spinlocks and lockdep. */
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include "bridge.h"

/**
 * ntwq_spin_lock_init - initialise @lock in the lockdep class @key.
 * @lock: the lock.
 * @name: lockdep name of the class.
 * @key: static lockdep key; the caller owns one per class, as spin_lock_init()
 *       makes one per call site.
 *
 * Context: any context.
 */
void ntwq_spin_lock_init(spinlock_t *lock, const char *name,
			 struct lock_class_key *key)
{
#ifdef CONFIG_DEBUG_SPINLOCK
	__raw_spin_lock_init(spinlock_check(lock), name, key, LD_WAIT_CONFIG);
#else
	spin_lock_init(lock);	/* no lockdep: the class is not recorded */
#endif
}

/**
 * ntwq_spin_lock - spin_lock().
 * @lock: the lock.
 *
 * Context: any context that does not also take @lock from interrupts.
 */
void ntwq_spin_lock(spinlock_t *lock) __acquires(lock)
{
	spin_lock(lock);
}

/**
 * ntwq_spin_unlock - spin_unlock().
 * @lock: the lock, held by the caller.
 *
 * Context: any context.
 */
void ntwq_spin_unlock(spinlock_t *lock) __releases(lock)
{
	spin_unlock(lock);
}

/**
 * ntwq_spin_lock_irqsave - spin_lock_irqsave().
 * @lock: the lock.
 *
 * Context: any context.
 * Return: the saved interrupt state for ntwq_spin_unlock_irqrestore().
 */
unsigned long ntwq_spin_lock_irqsave(spinlock_t *lock) __acquires(lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

/**
 * ntwq_spin_lock_irqsave_local - interrupts off, then lock the calling
 * CPU's element of a per-CPU array of structures that start with their lock.
 * @base: the array (CPU 0's element).
 * @stride: bytes from one CPU's element to the next; 0: always element 0.
 * @flags: set to the saved interrupt state for ntwq_spin_unlock_irqrestore().
 *
 * One call where local_irq_save(), raw_smp_processor_id() and spin_lock()
 * would be three from C++: the CPU is read with interrupts already off, so
 * the element is this CPU's until the unlock.
 *
 * Context: any context.
 * Return: the element, locked.
 */
void *ntwq_spin_lock_irqsave_local(void *base, size_t stride, unsigned long *flags)
	__acquires(base)
{
	unsigned long saved;
	char *element;

	local_irq_save(saved);
	element = (char *)base + stride * smp_processor_id();
	spin_lock((spinlock_t *)element);
	*flags = saved;
	return element;
}

/**
 * ntwq_spin_unlock_irqrestore - spin_unlock_irqrestore().
 * @lock: the lock, held by the caller.
 * @flags: what ntwq_spin_lock_irqsave() returned.
 *
 * Context: any context.
 */
void ntwq_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags) __releases(lock)
{
	spin_unlock_irqrestore(lock, flags);
}

/**
 * ntwq_spin_is_locked - spin_is_locked().
 * @lock: the lock.
 *
 * Context: any context.
 * Return: true if some CPU holds @lock.
 */
bool ntwq_spin_is_locked(spinlock_t *lock)
{
	return spin_is_locked(lock);
}

/**
 * ntwq_lockdep_assert_held - lockdep_assert_held().
 * @lock: the lock the caller must hold.
 *
 * Context: any context.  A no-op without lockdep.
 */
void ntwq_lockdep_assert_held(spinlock_t *lock)
{
	lockdep_assert_held(lock);
}
