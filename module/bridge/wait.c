// SPDX-License-Identifier: GPL-2.0
/* wait.c - bridge to waiting on a variable (wait_var_event). */
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/wait_bit.h>
#include "bridge.h"

/**
 * ntwq_wait_var_zero_timeout - wait_var_event_timeout() until *@var is 0.
 * @var: the variable; whoever makes it 0 calls ntwq_wake_up_var(@var).
 * @timeout_ms: the longest wait.
 *
 * No lockdep annotation is involved (unlike flush_work()), so a wait from
 * inside one work item for another of the same lock class is not reported
 * as recursion.
 *
 * Context: process context; sleeps.
 * Return: true if *@var was 0 on return.
 */
bool ntwq_wait_var_zero_timeout(unsigned int *var, unsigned int timeout_ms)
{
	wait_var_event_timeout(var, READ_ONCE(*var) == 0, msecs_to_jiffies(timeout_ms));
	return READ_ONCE(*var) == 0;
}

/**
 * ntwq_wake_up_var - wake_up_var(): wake the waiters on @var.
 * @var: the variable waited on.
 *
 * Context: any context.
 */
void ntwq_wake_up_var(void *var)
{
	wake_up_var(var);
}
