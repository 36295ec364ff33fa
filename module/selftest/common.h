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
#include "scenario.h"

/* Every wait of a scenario is bounded by this. */
#define WAIT_JIFFIES msecs_to_jiffies(10000)
#define EXT_MAGIC 0xfeedface

struct probe;

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

/* A driver "ntwq_selftest" and a device with @ext extension bytes. */
int scn_setup(struct scn *s, ULONG ext);
/* Deletes the device (unless the scenario did) and the driver: drains. */
void scn_teardown(struct scn *s);
/* scn_setup() plus a probe expecting @target runs. */
int scn_begin(struct scn *s, int target, ULONG ext);
/* Tears down, reports the probe and the totals into @r (if not NULL). */
int scn_finish(struct scn *s, struct ntwq_scn_result *r);

#endif /* _NTWQ_SELFTEST_COMMON_H */
