// SPDX-License-Identifier: GPL-2.0
/*
 * layout_check.c - proves ntwq_layout.h describes the kernel being built
 * against.  The C++ side lays out kernel structures from that header; a
 * header left over from another kernel's build would make it corrupt memory,
 * so any difference fails the build here.
 */
#include <linux/build_bug.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/kref.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/tracepoint-defs.h>
#include <linux/workqueue.h>
#include "ntwq_layout.h"

#define CHECK_LAYOUT(name, type)                                   \
	static_assert(sizeof(type) == NTWQ_SIZEOF_##name &&        \
		      __alignof__(type) == NTWQ_ALIGNOF_##name,      \
		      "stale ntwq_layout.h")

CHECK_LAYOUT(SPINLOCK, spinlock_t);
CHECK_LAYOUT(LOCK_CLASS_KEY, struct lock_class_key);
CHECK_LAYOUT(KREF, struct kref);
CHECK_LAYOUT(WORK_STRUCT, struct work_struct);
CHECK_LAYOUT(DELAYED_WORK, struct delayed_work);
CHECK_LAYOUT(COMPLETION, struct completion);
CHECK_LAYOUT(MUTEX, struct mutex);
static_assert((__force unsigned int)GFP_KERNEL == NTWQ_GFP_KERNEL, "stale ntwq_layout.h");
static_assert((__force unsigned int)GFP_ATOMIC == NTWQ_GFP_ATOMIC, "stale ntwq_layout.h");
static_assert(WQ_HIGHPRI == NTWQ_WQ_HIGHPRI, "stale ntwq_layout.h");
static_assert(IS_ENABLED(CONFIG_TRACEPOINTS) == NTWQ_TRACEPOINTS, "stale ntwq_layout.h");
static_assert(IS_ENABLED(CONFIG_JUMP_LABEL) == NTWQ_JUMP_LABEL, "stale ntwq_layout.h");
static_assert(IS_ENABLED(CONFIG_LOCKDEP) == NTWQ_LOCKDEP, "stale ntwq_layout.h");
static_assert(offsetof(struct tracepoint, key) == NTWQ_OFFSETOF_TRACEPOINT_KEY,
	      "stale ntwq_layout.h");
