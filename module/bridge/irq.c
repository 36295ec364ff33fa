// SPDX-License-Identifier: GPL-2.0
/* irq.c - bridge to the execution-context predicates and irq flags. */
#include <linux/bottom_half.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include "bridge.h"
#include "compat.h"	/* in_hardirq() */

/**
 * ntwq_irqs_disabled - irqs_disabled().
 *
 * Context: any context.
 * Return: true if local interrupts are off.
 */
bool ntwq_irqs_disabled(void)
{
	return irqs_disabled();
}

/**
 * ntwq_in_task - in_task().
 *
 * Context: any context.
 * Return: true in task context (not irq, softirq or NMI).
 */
bool ntwq_in_task(void)
{
	return in_task();
}

/**
 * ntwq_in_hardirq - in_hardirq().
 *
 * Context: any context.
 * Return: true in hard-interrupt context.
 */
bool ntwq_in_hardirq(void)
{
	return in_hardirq();
}

/**
 * ntwq_in_nmi - in_nmi().
 *
 * Context: any context.
 * Return: true in NMI context.
 */
bool ntwq_in_nmi(void)
{
	return in_nmi();
}

/**
 * ntwq_in_atomic - in_atomic().
 *
 * Context: any context.  Needs CONFIG_PREEMPT_COUNT to see spinlocks.
 * Return: true if the preempt count is raised (locks, softirq, irq).
 */
bool ntwq_in_atomic(void)
{
	return in_atomic();
}

/**
 * ntwq_in_rcu_read_side - rcu_preempt_depth() > 0.
 *
 * On preemptible-RCU kernels (CONFIG_PREEMPT_RCU) rcu_read_lock() counts
 * its nesting in the task and leaves preemption enabled, so in_atomic()
 * does not see it; elsewhere rcu_read_lock() disables preemption and this
 * is always false.
 *
 * Context: any context.
 * Return: true inside an rcu_read_lock() section of a preemptible-RCU kernel.
 */
bool ntwq_in_rcu_read_side(void)
{
	return rcu_preempt_depth() > 0;
}

/**
 * ntwq_preemptible - preemptible().
 *
 * Context: any context.
 * Return: true if the caller could be preempted (count zero, irqs on).
 */
bool ntwq_preemptible(void)
{
	return preemptible();
}

/**
 * ntwq_local_irq_save - local_irq_save().
 *
 * Context: any context.
 * Return: the previous interrupt state.
 */
unsigned long ntwq_local_irq_save(void)
{
	unsigned long flags;

	local_irq_save(flags);
	return flags;
}

/**
 * ntwq_local_irq_restore - local_irq_restore().
 * @flags: what ntwq_local_irq_save() returned.
 *
 * Context: any context.
 */
void ntwq_local_irq_restore(unsigned long flags)
{
	local_irq_restore(flags);
}

/**
 * ntwq_preempt_count - preempt_count().
 *
 * Context: any context.
 * Return: the preemption count (locks, softirq, irq nesting).
 */
int ntwq_preempt_count(void)
{
	return preempt_count();
}

/**
 * ntwq_context_changed - irqs_disabled() || preempt_count() != @before.
 * @before: what ntwq_preempt_count() returned before a call out.
 *
 * Context: any context.
 * Return: true if interrupts are off or the preemption count moved.
 */
bool ntwq_context_changed(int before)
{
	return irqs_disabled() || preempt_count() != before;
}

/**
 * ntwq_preempt_count_restore - undo what a work routine left disabled.
 * @count: a preempt_count() taken before the routine, in the same context.
 *
 * For a work routine that returned with interrupts, bottom halves or
 * preemption disabled: turns interrupts back on, then makes the missing
 * local_bh_enable() calls (one per bottom-half level above @count's), then
 * the missing preempt_enable() calls (one per preemption level above
 * @count's).  Interrupts come first because local_bh_enable() needs them on
 * (it may run the softirqs raised meanwhile); each level is dropped by its
 * own helper, so lockdep's softirq state follows and CONFIG_DEBUG_PREEMPT,
 * which refuses a preempt_enable() that would take a bottom-half level, is
 * never asked to.
 *
 * Context: task context whose preemption and bottom-half counts are at
 * least @count's.  Interrupts are on when it returns.
 */
void ntwq_preempt_count_restore(int count)
{
	if (irqs_disabled())
		local_irq_enable();
	while (softirq_count() > (count & SOFTIRQ_MASK))
		local_bh_enable();
	while ((preempt_count() & PREEMPT_MASK) > (count & PREEMPT_MASK))
		preempt_enable();
}

/**
 * ntwq_current_task - current, as an opaque pointer.
 *
 * Context: task context.
 * Return: the running task.
 */
const void *ntwq_current_task(void)
{
	return current;
}

/**
 * ntwq_cond_resched - cond_resched(): let another task run if one should.
 *
 * A dispatcher calls it between runs, as the workqueue's worker does between
 * work items: a routine that keeps re-queueing its own item would otherwise
 * keep its CPU forever on a kernel without full preemption.
 *
 * Context: process context, nothing held.
 */
void ntwq_cond_resched(void)
{
	cond_resched();
}
