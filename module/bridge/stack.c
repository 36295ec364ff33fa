// SPDX-License-Identifier: GPL-2.0
/* stack.c - bridge to task references and another task's stack trace. */
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/stacktrace.h>
#include <asm/unwind.h>
#include "bridge.h"
#include "compat.h"

/**
 * ntwq_task_get - get_task_struct().
 * @task: a live task (from ntwq_current_task()).
 *
 * Context: any context.
 */
void ntwq_task_get(const void *task)
{
	get_task_struct((struct task_struct *)task);
}

/**
 * ntwq_task_put - put_task_struct().
 * @task: a task referenced with ntwq_task_get().
 *
 * Context: any context.
 */
void ntwq_task_put(const void *task)
{
	put_task_struct((struct task_struct *)task);
}

/**
 * ntwq_task_stack - the return addresses on another task's kernel stack.
 * @task: a task the caller knows is alive and not exiting (it runs a routine
 *        the caller holds a record of).
 * @entries: where to store them, innermost first.
 * @max: room in @entries.
 *
 * stack_trace_save_tsk() where the kernel exports it (6.12); on older kernels
 * the same walk through the architecture's unwinder, which is exported.  A
 * task running on another CPU gives a best-effort trace, as sysrq-t does.
 *
 * Context: any context.
 * Return: the number of entries stored.
 */
unsigned int ntwq_task_stack(const void *task, unsigned long *entries, unsigned int max)
{
	struct task_struct *t = (struct task_struct *)task;
#if NTWQ_HAVE_STACK_TRACE_SAVE_TSK
	return stack_trace_save_tsk(t, entries, max, 0);
#else
	struct unwind_state state;
	unsigned int n = 0;

	for (unwind_start(&state, t, NULL, NULL); n < max && !unwind_done(&state);
	     unwind_next_frame(&state)) {
		unsigned long addr = unwind_get_return_address(&state);

		if (!addr)
			break;
		entries[n++] = addr;
	}
	return n;
#endif
}
