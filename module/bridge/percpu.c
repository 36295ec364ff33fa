// SPDX-License-Identifier: GPL-2.0
/*
 * percpu.c - bridge to per-CPU arrays of u64 counters.
 *
 * The C++ statistics keep one array of counters per CPU; the queue and
 * dispatch paths bump them inline (lib/percpu.h: one %gs-relative
 * instruction, no call), and these functions allocate them and let readers
 * add up the CPUs.  @base is the value ntwq_alloc_percpu_u64() returned;
 * indexes count u64s.
 */
#include <linux/percpu.h>
#include <linux/cpumask.h>
#include <linux/smp.h>
#include "bridge.h"

static u64 __percpu *ntwq_pcpu(void *base, size_t index)
{
	return (u64 __percpu *)base + index;
}

/**
 * ntwq_alloc_percpu_u64 - a zeroed per-CPU array of @count u64s.
 * @count: number of counters.
 *
 * The per-CPU allocator has no failslab hook: ntwq's own fault attribute
 * (fail_alloc, and fail-nth) stands in for it.
 *
 * Context: process context; may sleep.
 * Return: the per-CPU base, or NULL.
 */
void *ntwq_alloc_percpu_u64(size_t count)
{
	if (ntwq_fault_should_fail_alloc(count * sizeof(u64)))
		return NULL;
	return (void __force *)__alloc_percpu(count * sizeof(u64), sizeof(u64));
}

/**
 * ntwq_free_percpu - free_percpu().
 * @base: from ntwq_alloc_percpu_u64(), or NULL.
 *
 * Context: process context.
 */
void ntwq_free_percpu(void *base)
{
	free_percpu((void __percpu __force *)base);
}

/**
 * ntwq_percpu_any_equals - does any CPU's copy of a counter hold a value?
 * @base: from ntwq_alloc_percpu_u64().
 * @index: which u64.
 * @value: the value looked for.
 *
 * Context: any context.  Reads each CPU's copy once, without ordering of
 * its own: the caller supplies the barrier its protocol needs.
 * Return: true if some possible CPU's copy equals @value.
 */
bool ntwq_percpu_any_equals(void *base, size_t index, unsigned long long value)
{
	int cpu;

	for_each_possible_cpu(cpu)
		if (READ_ONCE(*per_cpu_ptr(ntwq_pcpu(base, index), cpu)) == value)
			return true;
	return false;
}

/**
 * ntwq_percpu_sum - counter @index added up over every possible CPU.
 * @base: the per-CPU array.
 * @index: the counter.
 *
 * Context: any context.  Updates racing with the sum may or may not count.
 * Return: the sum.
 */
unsigned long long ntwq_percpu_sum(void *base, size_t index)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(ntwq_pcpu(base, index), cpu));
	return sum;
}

/**
 * ntwq_percpu_max - the largest value of @index over every possible CPU.
 * @base: the per-CPU array.
 * @index: the counter.
 *
 * Context: any context.
 * Return: the maximum.
 */
unsigned long long ntwq_percpu_max(void *base, size_t index)
{
	u64 max = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		max = max_t(u64, max, READ_ONCE(*per_cpu_ptr(ntwq_pcpu(base, index), cpu)));
	return max;
}

/**
 * ntwq_nr_cpu_ids - nr_cpu_ids: one more than the highest possible CPU number.
 *
 * Context: any context.
 * Return: nr_cpu_ids.
 */
unsigned int ntwq_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

/**
 * ntwq_cpu_hint - raw_smp_processor_id(): the CPU the caller runs on now.
 *
 * Context: any context.  Without preemption disabled the caller may move at
 * once, so this only picks a shard; it does not pin anything.
 * Return: a CPU number below nr_cpu_ids.
 */
unsigned int ntwq_cpu_hint(void)
{
	return raw_smp_processor_id();
}
