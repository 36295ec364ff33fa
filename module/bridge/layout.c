// SPDX-License-Identifier: GPL-2.0
/*
 * layout.c - sizes, alignments and constants of kernel types for the C++ side.
 *
 * Compiled to assembly only; Kbuild turns the markers into ntwq_layout.h
 * (like the kernel's asm-offsets).  The sizes change with the kernel config
 * (lockdep grows spinlock_t and work_struct), so they are generated for the
 * kernel being built against rather than written down.
 */
#include <linux/kbuild.h>
#include <linux/gfp.h>
#include <linux/kref.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/tracepoint-defs.h>
#include <linux/completion.h>
#include <linux/workqueue.h>

#define LAYOUT(name, type)                                      \
	do {                                                    \
		DEFINE(NTWQ_SIZEOF_##name, sizeof(type));       \
		DEFINE(NTWQ_ALIGNOF_##name, __alignof__(type)); \
	} while (0)

void ntwq_layout(void);
void ntwq_layout(void)
{
	LAYOUT(SPINLOCK, spinlock_t);
	LAYOUT(LOCK_CLASS_KEY, struct lock_class_key);
	LAYOUT(KREF, struct kref);
	LAYOUT(WORK_STRUCT, struct work_struct);
	LAYOUT(DELAYED_WORK, struct delayed_work);
	LAYOUT(COMPLETION, struct completion);
	LAYOUT(MUTEX, struct mutex);
	BLANK();
	DEFINE(NTWQ_GFP_KERNEL, (__force unsigned int)GFP_KERNEL);
	DEFINE(NTWQ_GFP_ATOMIC, (__force unsigned int)GFP_ATOMIC);
	DEFINE(NTWQ_GFP_NOWAIT, (__force unsigned int)GFP_NOWAIT);
	DEFINE(NTWQ___GFP_ZERO, (__force unsigned int)__GFP_ZERO);
	BLANK();
	DEFINE(NTWQ_WQ_UNBOUND, WQ_UNBOUND);
	DEFINE(NTWQ_WQ_HIGHPRI, WQ_HIGHPRI);
	DEFINE(NTWQ_WQ_MEM_RECLAIM, WQ_MEM_RECLAIM);
	DEFINE(NTWQ_WQ_SYSFS, WQ_SYSFS);
	BLANK();
	/* core/trace.h: where a trace event's static key is, and how to test it. */
	DEFINE(NTWQ_TRACEPOINTS, IS_ENABLED(CONFIG_TRACEPOINTS));
	DEFINE(NTWQ_JUMP_LABEL, IS_ENABLED(CONFIG_JUMP_LABEL));
	DEFINE(NTWQ_LOCKDEP, IS_ENABLED(CONFIG_LOCKDEP));
	DEFINE(NTWQ_OFFSETOF_TRACEPOINT_KEY, offsetof(struct tracepoint, key));
}
