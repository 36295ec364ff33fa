// SPDX-License-Identifier: GPL-2.0
/*
 * count.c - bridge to a closable per-CPU count (a driver's work count).
 *
 * The count is one signed per-CPU long (from ntwq_alloc_percpu_u64()) and a
 * `closed` flag.  A get checks the flag and increments this CPU's share in
 * one RCU read-side section (preemption or interrupts off); a put reads the
 * flag, then decrements, in one such section.  Closing sets the flag and
 * waits for a grace period: every get that missed the flag has then
 * incremented, every put that missed it has decremented, and from then on
 * the shares only fall, so a sum of zero read at any moment is final.  A
 * put that saw the flag wakes the closer, by the flag's address alone: the
 * put touches nothing of the count's owner after its decrement, so the
 * closer may free it as soon as it sees zero.  percpu_ref does the same
 * with an atomic mode switch and its own RCU calls around every get and
 * put; this needs none on a PREEMPT_RCU kernel.
 */
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>	/* 5.10 and 6.1: wait_bit.h does not include it */
#include <linux/wait_bit.h>
#include "bridge.h"

static long __percpu *ntwq_count_pcpu(void *count)
{
	return (long __percpu *)(__force unsigned long)count;
}

/**
 * ntwq_count_tryget - one more on this CPU's share, unless the count is closed.
 * @count: the per-CPU count.
 * @closed: its flag.
 *
 * Context: any context.
 * Return: true if counted, false once ntwq_count_close() has begun.
 */
bool ntwq_count_tryget(void *count, const unsigned int *closed)
{
	bool open;

	preempt_disable();
	open = !READ_ONCE(*closed);
	if (open)
		this_cpu_inc(*ntwq_count_pcpu(count));
	preempt_enable();
	return open;
}

/**
 * ntwq_count_put - one less on this CPU's share; wakes the closer if closing.
 * @count: the per-CPU count.
 * @closed: its flag.
 *
 * The caller may already be inside an RCU read-side section with interrupts
 * off: ntwq_count_put_closing() is then the same, inline, without the call.
 *
 * Context: any context.
 */
void ntwq_count_put(void *count, unsigned int *closed)
{
	bool closing;

	preempt_disable();
	closing = READ_ONCE(*closed);
	this_cpu_dec(*ntwq_count_pcpu(count));
	preempt_enable();
	if (closing)
		ntwq_count_wake(closed);
}

/**
 * ntwq_count_wake - wake ntwq_count_close()'s waiter after a put that saw
 * the count closed.
 * @closed: the count's flag: only its address is used (the count's owner
 *	may be gone by now).
 *
 * Context: any context.
 */
void ntwq_count_wake(unsigned int *closed)
{
	smp_mb(); /* the decrement before wake_up_var()'s waitqueue_active() */
	wake_up_var(closed);
}

static long ntwq_count_sum(void *count)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(ntwq_count_pcpu(count), cpu));
	return sum;
}

/**
 * ntwq_count_close - refuse new gets, wait until every count was put.
 * @count: the per-CPU count.
 * @closed: its flag, 0 until now.
 *
 * Context: process context; sleeps (a grace period, then until the last put).
 */
void ntwq_count_close(void *count, unsigned int *closed)
{
	WRITE_ONCE(*closed, 1);
	synchronize_rcu();
	wait_var_event(closed, ntwq_count_sum(count) == 0);
}
