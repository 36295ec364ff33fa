// SPDX-License-Identifier: GPL-2.0
/* percpu.c - bridge to per-CPU memory. */
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include "bridge.h"

/**
 * ntwq_alloc_percpu - __alloc_percpu(): zeroed storage on every possible CPU.
 * @size: bytes per CPU.
 * @align: their alignment.
 *
 * Context: process context; may sleep.
 * Return: the per-CPU pointer, or NULL.
 */
void __percpu *ntwq_alloc_percpu(size_t size, size_t align)
{
	return __alloc_percpu(size, align);
}

/**
 * ntwq_free_percpu - free_percpu().
 * @ptr: from ntwq_alloc_percpu(), or NULL.
 *
 * Context: process context.
 */
void ntwq_free_percpu(void __percpu *ptr)
{
	free_percpu(ptr);
}

/**
 * ntwq_this_cpu_ptr - this_cpu_ptr().
 * @ptr: a per-CPU pointer.
 *
 * Context: preemption or interrupts disabled, so the CPU cannot change.
 * Return: this CPU's copy.
 */
void *ntwq_this_cpu_ptr(void __percpu *ptr)
{
	return this_cpu_ptr(ptr);
}

/**
 * ntwq_per_cpu_ptr - per_cpu_ptr().
 * @ptr: a per-CPU pointer.
 * @cpu: a possible CPU.
 *
 * Context: any context.
 * Return: @cpu's copy.
 */
void *ntwq_per_cpu_ptr(void __percpu *ptr, int cpu)
{
	return per_cpu_ptr(ptr, cpu);
}

/**
 * ntwq_next_possible_cpu - cpumask_next() over cpu_possible_mask.
 * @cpu: the previous CPU, or -1 to start.
 *
 * Context: any context.
 * Return: the next possible CPU, or a value >= ntwq_nr_cpu_ids() at the end.
 */
int ntwq_next_possible_cpu(int cpu)
{
	return cpumask_next(cpu, cpu_possible_mask);
}

/**
 * ntwq_nr_cpu_ids - nr_cpu_ids.
 *
 * Context: any context.
 * Return: one more than the highest possible CPU number.
 */
int ntwq_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

/**
 * ntwq_this_cpu_add_u64 - this_cpu_add() on a u64 inside per-CPU storage.
 * @ptr: a per-CPU pointer.
 * @offset: byte offset of the u64 in it.
 * @value: what to add.
 *
 * Context: any context; safe against interrupts on this CPU.
 */
void ntwq_this_cpu_add_u64(void __percpu *ptr, size_t offset, u64 value)
{
	this_cpu_add(*(u64 __percpu *)((char __percpu *)ptr + offset), value);
}

/**
 * ntwq_this_cpu_max_u64 - raise a u64 inside per-CPU storage to @value.
 * @ptr: a per-CPU pointer.
 * @offset: byte offset of the u64 in it.
 * @value: the candidate maximum.
 *
 * Context: any context (interrupts are off for the update).
 */
void ntwq_this_cpu_max_u64(void __percpu *ptr, size_t offset, u64 value)
{
	unsigned long flags;
	u64 *p;

	local_irq_save(flags);
	p = this_cpu_ptr((u64 __percpu *)((char __percpu *)ptr + offset));
	if (value > *p)
		*p = value;
	local_irq_restore(flags);
}
