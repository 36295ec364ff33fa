// SPDX-License-Identifier: GPL-2.0
/*
 * fault.c - bridge to the fault-injection framework.
 *
 * ntwq's allocations consult their own fault attribute, "fail_alloc", which
 * debugfs exposes with the kernel's standard knobs (probability, times,
 * task-filter, ...) and which honours /proc/<pid>/fail-nth.  On kernels built
 * without CONFIG_FAULT_INJECTION nothing ever fails and the knobs are absent.
 */
#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/fault-inject.h>
#include <linux/module.h>
#include <linux/sched.h>
#include "bridge.h"

#ifdef CONFIG_FAULT_INJECTION
static struct fault_attr ntwq_fail_alloc = FAULT_ATTR_INITIALIZER;
#endif

/**
 * ntwq_fault_should_fail_alloc - should_fail() on ntwq's allocation attribute.
 * @size: size of the allocation about to be made.
 *
 * Context: any context.
 * Return: true if the allocation must fail.
 */
bool ntwq_fault_should_fail_alloc(size_t size)
{
#ifdef CONFIG_FAULT_INJECTION
	return should_fail(&ntwq_fail_alloc, size);
#else
	return false;
#endif
}

/**
 * ntwq_fault_set_fail_nth - set current->fail_nth, as /proc/self/fail-nth does.
 * @nth: fail the nth fault-injection point this task reaches (0: none).
 *
 * Context: task context.
 * Return: 0, or -EOPNOTSUPP on a kernel without fault injection.
 */
int ntwq_fault_set_fail_nth(unsigned int nth)
{
#ifdef CONFIG_FAULT_INJECTION
	WRITE_ONCE(current->fail_nth, nth);
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}

/**
 * ntwq_fault_get_fail_nth - read current->fail_nth.
 *
 * Context: task context.
 * Return: the fault-injection points left before one fails (0: none armed).
 */
unsigned int ntwq_fault_get_fail_nth(void)
{
#ifdef CONFIG_FAULT_INJECTION
	return READ_ONCE(current->fail_nth);
#else
	return 0;
#endif
}

/**
 * ntwq_fault_init - one line per injected failure of ntwq's own allocations,
 * no stack dump, from the first allocation of module_init on.
 *
 * Context: module_init, before anything allocates.
 */
void ntwq_fault_init(void)
{
#ifdef CONFIG_FAULT_INJECTION
	ntwq_fail_alloc.verbose = 1;
#endif
}

/**
 * ntwq_fault_create_debugfs - fault_create_debugfs_attr() for "fail_alloc".
 * @name: directory name.
 * @parent: debugfs directory to create it in.
 *
 * Context: process context.
 * Return: the directory, an ERR_PTR, or NULL without fault-injection debugfs.
 */
struct dentry *ntwq_fault_create_debugfs(const char *name, struct dentry *parent)
{
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	return fault_create_debugfs_attr(name, parent, &ntwq_fail_alloc);
#else
	return NULL;
#endif
}
