/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - ntwq state that tests read: diagnostic counters, object
 * reference counts, live objects.  C and C++; used by the scenarios inside
 * ntwq (the diagnostic count is also exported to ntwq_kunit in NTWQ_INTERNAL).
 */
#ifndef _NTWQ_CORE_INTERNAL_H
#define _NTWQ_CORE_INTERNAL_H

#ifdef __cplusplus
extern "C" {
#endif

/* The verifier switch (module parameter "verifier"), in module/ntwq_main.c. */
extern bool ntwq_verifier;

/* Kinds of misuse ntwq diagnoses; README's misuse table lists them. */
enum ntwq_diag {
	NTWQ_DIAG_QUEUE_QUEUED,       /* WORKER_INVALID(1): queued while queued */
	NTWQ_DIAG_FREE_QUEUED,        /* WORKER_INVALID(2): freed while queued */
	NTWQ_DIAG_INVALID_OBJECT,     /* WORKER_INVALID(3): bad device/driver object */
	NTWQ_DIAG_INVALID_QUEUE_TYPE, /* WORKER_INVALID(6) */
	NTWQ_DIAG_INVALID_ROUTINE,    /* WORKER_INVALID(7): NULL or not the driver's code */
	NTWQ_DIAG_INVALID_ITEM,       /* INVALID_WORK_QUEUE_ITEM: NULL or not a work item */
	NTWQ_DIAG_BAD_IRQL_RETURN,    /* WORKER_THREAD_RETURNED_AT_BAD_IRQL */
	NTWQ_DIAG_DRIVER_GONE,        /* ntwq: work for a driver already deleted */
	NTWQ_DIAG_DEVICES_LEFT,       /* ntwq: NtwqDeleteDriver with devices left */
	NTWQ_DIAG_WDF_INVALID_HANDLE, /* WDF_VIOLATION: bad handle, wrong type */
	NTWQ_DIAG_WDF_FLUSH_IN_CALLBACK, /* WDF_VIOLATION: flush from own callback */
	NTWQ_DIAG_WDF_AFTER_DELETE,   /* WDF_VIOLATION: use of a deleted object */
	NTWQ_DIAG_WDF_OBJECTS_LEFT,   /* ntwq: NtwqDeleteDriver with WDF objects left */
	NTWQ_DIAG_WDF_FLUSH_ENDLESS,  /* WDF_VIOLATION: flush of a chain that never ends */
	NTWQ_DIAG_DELETE_REFUSED,     /* ntwq: NtwqDeleteDriver twice, from its own work, or raised */
	/* Verifier mode only (verifier.h): */
	NTWQ_DIAG_QUEUE_IRQL,         /* IRQL_NOT_LESS_OR_EQUAL: queued above DISPATCH_LEVEL */
	NTWQ_DIAG_ITEMS_LEFT,         /* DRIVER_VERIFIER_DETECTED_VIOLATION(0x62): Io item leaked */
	NTWQ_DIAG_LONG_RUNNING,       /* ntwq: a routine ran longer than verifier_long_ms */
	NTWQ_DIAG_FREED_ITEM,         /* PAGE_FAULT_IN_FREED_SPECIAL_POOL: freed item used */
	NTWQ_DIAG_COUNT
};

/* Diagnostics of @kind since ntwq was loaded. */
unsigned long long ntwq_diag_count(unsigned int kind);

/* The object's reference count, or -1 if @object is not a live ntwq object. */
long ntwq_object_refs(void *object);

/* Device and driver objects allocated and not yet freed. */
long ntwq_live_devices(void);
long ntwq_live_drivers(void);

/*
 * Tests only: @hook is called by every dispatcher when it starts, before it
 * takes its FIFO's lock, with the address of the item first in its FIFO
 * (never read; NULL: no hook).
 */
void ntwq_set_dispatch_hook(void (*hook)(const void *item));
/*
 * Tests only: @hook is called by an Ex dispatcher with the routine it ran,
 * right after it dropped the routine's module pin (NULL: no hook); it may run
 * under a spinlock.  ntwq_ex_names_routine() says, without locking, whether
 * any dispatcher still names @routine as running (what debugfs `items` prints).
 */
void ntwq_set_ex_unpin_hook(void (*hook)(const void *routine));
bool ntwq_ex_names_routine(const void *routine);

/*
 * Verifier mode (verifier.h).  The switch and the long-running threshold are
 * the module parameters `verifier` and `verifier_long_ms`.
 */
extern bool ntwq_verifier;
extern unsigned int ntwq_verifier_long_ms;
/* Io items allocated in verifier mode and not yet freed, over all drivers. */
long ntwq_verifier_tracked_items(void);
/* Is @item in the quarantine of freed Io items?  (Compares addresses only.) */
bool ntwq_verifier_quarantined(const void *item);
/* Frees every quarantined item now (checking its poison first). */
void ntwq_verifier_drain_quarantine(void);
/* The poison byte of quarantined memory. */
#define NTWQ_QUARANTINE_POISON 0x6b
/*
 * Diagnostic lines printed recently, newest first (@i = 0), rate limit or
 * not: copies line @i into @buf and its kind into @kind; false past the end.
 */
bool ntwq_diag_recent(unsigned int i, unsigned int *kind, char *buf, unsigned long cap);
void ntwq_diag_recent_clear(void);

/* Completed work items of the Io / WDF APIs on any queue. */
unsigned long long ntwq_io_completed(void);
unsigned long long ntwq_wdf_completed(void);

#ifdef __cplusplus
}
#endif

#endif /* _NTWQ_CORE_INTERNAL_H */
