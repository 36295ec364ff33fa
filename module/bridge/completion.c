// SPDX-License-Identifier: GPL-2.0
/* completion.c - bridge to completions. */
#include <linux/completion.h>
#include <linux/module.h>
#include "bridge.h"

/**
 * ntwq_init_completion - init_completion().
 * @done: the completion.
 *
 * Context: any context.
 */
void ntwq_init_completion(struct completion *done)
{
	init_completion(done);
}

/**
 * ntwq_complete - complete().
 * @done: the completion.
 *
 * Context: any context.
 */
void ntwq_complete(struct completion *done)
{
	complete(done);
}

/**
 * ntwq_complete_all - complete_all(): every waiter, now and later, goes on.
 * @done: the completion.
 *
 * Context: any context.
 */
void ntwq_complete_all(struct completion *done)
{
	complete_all(done);
}

/**
 * ntwq_wait_for_completion - wait_for_completion().
 * @done: the completion.
 *
 * Context: process context; sleeps until complete() (the hung-task detector
 * reports a wait of minutes).
 */
void ntwq_wait_for_completion(struct completion *done)
{
	wait_for_completion(done);
}
