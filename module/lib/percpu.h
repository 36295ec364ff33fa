/* SPDX-License-Identifier: GPL-2.0 */
/*
 * percpu.h - this-CPU operations on per-CPU u64 arrays, inline.
 *
 * A per-CPU pointer (from ntwq_alloc_percpu_u64()) is an offset from this
 * CPU's %gs base on x86-64, exactly as this_cpu_inc() uses it: one
 * instruction, no call, no lock prefix.  Like this_cpu_*(), each operation
 * is atomic against interrupts on this CPU and needs no preemption control.
 * Totals are read through the bridge (ntwq_percpu_sum()).
 */
#ifndef _NTWQ_LIB_PERCPU_H
#define _NTWQ_LIB_PERCPU_H

#include "cxx.h"

namespace ntwq {

NTWQ_ALWAYS_INLINE u64 *PerCpuSlot(void *base, size_t index) noexcept
{
	return static_cast<u64 *>(base) + index;
}

/* this_cpu_inc(base[index]) */
NTWQ_ALWAYS_INLINE void PerCpuInc(void *base, size_t index) noexcept
{
	asm volatile("incq %%gs:%0" : "+m"(*PerCpuSlot(base, index)));
}

/* this_cpu_dec(base[index]) */
NTWQ_ALWAYS_INLINE void PerCpuDec(void *base, size_t index) noexcept
{
	asm volatile("decq %%gs:%0" : "+m"(*PerCpuSlot(base, index)));
}

/* this_cpu_write(base[index], value) */
NTWQ_ALWAYS_INLINE void PerCpuWrite(void *base, size_t index, u64 value) noexcept
{
	asm volatile("movq %1, %%gs:%0" : "=m"(*PerCpuSlot(base, index)) : "er"(value));
}

/* this_cpu_read(base[index]) */
NTWQ_ALWAYS_INLINE u64 PerCpuRead(void *base, size_t index) noexcept
{
	u64 v;

	asm volatile("movq %%gs:%1, %0" : "=r"(v) : "m"(*PerCpuSlot(base, index)));
	return v;
}

/* Raises this CPU's base[index] to at least @value (irq-safe cmpxchg loop). */
NTWQ_ALWAYS_INLINE void PerCpuMax(void *base, size_t index, u64 value) noexcept
{
	u64 old = PerCpuRead(base, index);

	while (value > old) {
		u64 seen = old;

		asm volatile("cmpxchgq %2, %%gs:%1"
			     : "+a"(seen), "+m"(*PerCpuSlot(base, index))
			     : "r"(value));
		if (seen == old)
			break;
		old = seen;
	}
}

/* A full memory barrier (smp_mb() on x86-64). */
NTWQ_ALWAYS_INLINE void FullBarrier() noexcept
{
	asm volatile("lock addl $0, -4(%%rsp)" ::: "memory", "cc");
}

NTWQ_ALWAYS_INLINE void CpuRelax() noexcept
{
	asm volatile("pause" ::: "memory");
}

} /* namespace ntwq */

#endif /* _NTWQ_LIB_PERCPU_H */
