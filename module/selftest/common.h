/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - what the scenarios share: the before/after snapshot behind the
 * totals every scenario reports, and the probe that routines record into.
 */
#ifndef _NTWQ_SELFTEST_COMMON_H
#define _NTWQ_SELFTEST_COMMON_H

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <ntwq/wdm.h>
#include "../core/internal.h"
#include "../bridge/compat.h"
#include "scenario.h"

/* Every wait of a scenario is bounded by this. */
#define WAIT_JIFFIES msecs_to_jiffies(10000)
/*
 * Waits for many blocked routines to arrive at once: each arrival may need a
 * new kworker, and creating one under TCG on a busy host can take most of a
 * second (seen: 32 workers not all created within 10 s on stock 6.1).
 */
#define BARRIER_JIFFIES msecs_to_jiffies(30000)
#define EXT_MAGIC 0xfeedface

struct probe;
struct task_struct;

struct scn {
	PDRIVER_OBJECT driver;
	PDEVICE_OBJECT device;
	struct probe *p;
	bool torn_down;
	unsigned long long diag[NTWQ_DIAG_COUNT];
	long live_devices, live_drivers;
	long long runtime_live;
};

/* What routines record.  The Context of every routine is its probe. */
struct probe {
	struct completion done;
	atomic_t runs;
	int target;		/* complete done when runs reaches it */
	atomic_t running, max_running;
	void *object;
	void *context;
	PIO_WORKITEM item;
	int max_irql;
	int all_in_task;
	unsigned int requeue_until;
	struct completion go;	/* routines that wait for the scenario */
	long refs_in_routine;
	int ext_ok, delete_flag_seen, done_flag;
};

long long runtime_live(void);
void scn_snapshot(struct scn *s);
long long diag_delta(struct scn *s, enum ntwq_diag kind);
void scn_put_common(struct scn *s, struct ntwq_scn_result *r);
struct probe *probe_new(int target);
void probe_enter(struct probe *p, void *object, void *ctx, PIO_WORKITEM item);
void probe_leave(struct probe *p);
int probe_wait(struct probe *p, struct completion *c);
void put_probe(struct ntwq_scn_result *r, struct probe *p);

/*
 * Re-queue without overlap: the first pass of a routine re-queues its item and
 * then waits up to OVERLAP_JIFFIES for the second pass to enter.  A core that
 * starts the second pass while the first is still in the routine lets it
 * enter (max_running 2); a correct one starts it only after the first returns.
 */
#define OVERLAP_JIFFIES msecs_to_jiffies(3000)

struct overlap {
	struct probe *p;	/* target 2 */
	atomic_t passes;	/* passes that entered */
	struct completion second;
};

void overlap_init(struct overlap *o, struct probe *p);
/* In the routine, first: probe_enter() and the pass number (1, 2, ...). */
int overlap_enter(struct overlap *o);
/* In the first pass, after re-queueing: the bounded wait for the second. */
void overlap_wait(struct overlap *o);

/* A driver "ntwq_selftest" and a device with @ext extension bytes. */
int scn_setup(struct scn *s, ULONG ext);
/* Deletes the device (unless the scenario did) and the driver: drains. */
void scn_teardown(struct scn *s);
/* scn_setup() plus a probe expecting @target runs. */
int scn_begin(struct scn *s, int target, ULONG ext);
/*
 * @n work items for the scenario's device into @items; on a failure frees
 * those it got and returns -ENOMEM (the caller then gives up: scn_abort).
 */
int scn_alloc_items(struct scn *s, PIO_WORKITEM *items, unsigned int n);
/* A scenario that could not set itself up: tear down, report nothing. */
int scn_abort(struct scn *s);
/* Tears down, reports the probe and the totals into @r (if not NULL). */
int scn_finish(struct scn *s, struct ntwq_scn_result *r);

/*
 * A teardown run by a helper thread, for scenarios whose NtwqDeleteDriver
 * never returns on a defective core: the scenario waits WAIT_JIFFIES for it
 * and then reports instead of hanging the whole test run.  Heap storage:
 * a thread that never finished keeps using this and the struct scn.
 */
struct scn_bounded {
	struct task_struct *task;
	struct completion done;
	struct scn *s;
	void (*first)(void *arg); /* run before scn_teardown(), or NULL */
	void *arg;
};

/* Creates the (not yet started) thread: 0 or -ENOMEM. */
int scn_bounded_prepare(struct scn_bounded *b, struct scn *s);
/*
 * Starts the thread: @first(@arg) if not NULL, then scn_teardown(@b->s).
 * Return: true if it finished within WAIT_JIFFIES.  When false the thread
 * still uses @b, @b->s and whatever @first uses: the caller must never free
 * them (a leak the report shows, rather than a use after free).
 */
bool scn_bounded_teardown(struct scn_bounded *b, void (*first)(void *arg), void *arg);

#endif /* _NTWQ_SELFTEST_COMMON_H */
