/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verifier.h - diagnostics for misuse Windows would bugcheck on, and the
 * verifier mode that looks for more, as Driver Verifier does.
 *
 * A diagnostic is one rate-limited KERN_ERR line naming the Windows code it
 * stands for, the API, the routine (%ps) and the driver, plus a counter in
 * debugfs stats.  Never a WARN(): the caller keeps its state consistent and
 * goes on.  Callable from any context.  The last lines (rate limited or
 * not) are kept for tests (ntwq_diag_recent()).
 *
 * Verifier mode (module parameter `verifier`, debugfs `verifier`; off by
 * default).  Off, the hot paths pay one test of ntwq_verifier (a relaxed
 * load and a predictable branch; C++ cannot reach the kernel's static keys,
 * whose asm goto lives in headers C++ cannot include).  On:
 *	- queued and running Io/KMDF items have records (debugfs `items`);
 *	- Io items allocated now are tracked on their driver's list with the
 *	  call site of IoAllocateWorkItem; KMDF objects created now keep the
 *	  call site of their create call.  NtwqDeleteDriver reports each one
 *	  the driver left (routine and call site) and frees it.  Items and
 *	  objects made while the verifier was off are not tracked;
 *	- a queue call above DISPATCH_LEVEL is a diagnostic (still queued:
 *	  ntwq supports it, Windows does not), and queue-call diagnostics name
 *	  the call site (%pS of the API's return address);
 *	- a watchdog (a delayed work on system_wq, re-armed every
 *	  verifier_long_ms / 4, at least 10 ms, at most 1 s, while the mode is
 *	  on; armed by the first dispatch) reports, once per run, a routine
 *	  running longer than verifier_long_ms, with its worker's stack;
 *	- Io items allocated in verifier mode are, when freed, poisoned and
 *	  kept in a FIFO of kQuarantine items before their memory goes: a
 *	  queue, free or initialize of one is FREED_ITEM, not a use after free,
 *	  and a write into one is found when it leaves the FIFO.
 */
#ifndef _NTWQ_CORE_VERIFIER_H
#define _NTWQ_CORE_VERIFIER_H

#include "internal.h"
#include "lib/cxx.h"

struct seq_file;

namespace ntwq {

/* Frees quarantined Io items keep before their memory is released. */
constexpr u32 kQuarantine = 64;
/* Frames of a worker's stack a long-running report prints. */
constexpr u32 kLongRunFrames = 16;

/* A routine the watchdog found running too long, copied under its record's lock. */
struct LongRun {
	const char *api;     /* static */
	const void *routine; /* printed by address only */
	char driver[32];     /* a copy: the driver may be gone when the report prints */
	u64 ran_ns;
	u32 frames;
	unsigned long stack[kLongRunFrames];

	NTWQ_ALWAYS_INLINE void SetDriver(const char *name) noexcept
	{
		u32 i = 0;

		for (; name && name[i] && i < sizeof(driver) - 1; i++)
			driver[i] = name[i];
		driver[i] = '\0';
	}
};

class Verifier {
public:
	/* Is verifier mode on?  One relaxed load: the hot paths' only test. */
	NTWQ_ALWAYS_INLINE static bool On() noexcept
	{
		return __atomic_load_n(&ntwq_verifier, __ATOMIC_RELAXED);
	}
	/* Per-item records for debugfs `items` (verifier mode). */
	NTWQ_ALWAYS_INLINE static bool Tracking() noexcept { return On(); }
	/* @site if verifier mode is on, else nullptr: what queue diagnostics name. */
	NTWQ_ALWAYS_INLINE static const void *Site(const void *site) noexcept
	{
		return On() ? site : nullptr;
	}

	/*
	 * One diagnostic; @site (if not nullptr) is printed as the call site.
	 * Return: whether the line was printed (not rate limited away).
	 */
	static bool Report(ntwq_diag kind, const char *api, const void *routine,
			   const char *driver, const char *what,
			   const void *site = nullptr) noexcept;
	/* Verifier mode: a queue call above DISPATCH_LEVEL is diagnosed (and still queued). */
	static void CheckQueueIrql(const char *api, const void *routine, const char *driver,
				   const void *site) noexcept;
	static unsigned long long Count(ntwq_diag kind) noexcept;
	static void Show(seq_file *seq) noexcept;

	/*
	 * Poisons @size bytes at @mem (from ntwq_rt_alloc) and quarantines
	 * them, with what a later use's diagnostic names (@routine, the
	 * item's last, and @driver) and a reference the quarantine holds
	 * until the memory goes: @keep(@keep_arg) drops it (the item's
	 * IoObject, which keeps @driver's name and the driver's lock alive
	 * for a late free racing NtwqDeleteDriver's reclaim).
	 */
	static void Quarantine(void *mem, size_t size, const void *routine, const char *driver,
			       void (*keep)(void *arg), void *keep_arg) noexcept;
	static bool Quarantined(const void *mem) noexcept;
	static void DrainQuarantine() noexcept;
	/* A quarantined item was used: the diagnostic; true if @mem is quarantined. */
	static bool ReportIfQuarantined(const void *mem, const char *api, const void *site) noexcept;

	/* A routine started with a record: make sure the watchdog runs. */
	NTWQ_ALWAYS_INLINE static void Watch() noexcept
	{
		if (!__atomic_load_n(&watch_armed_, __ATOMIC_RELAXED))
			WatchSlow();
	}
	/* The long-running threshold in ns (verifier_long_ms, at least 1 ms). */
	static u64 LongNs() noexcept;

	static void Init() noexcept;
	/* Stops the watchdog: after the queues are drained, before their records go. */
	static void StopWatchdog() noexcept;

	/* The watchdog, finding the mode off: stop, unless it was switched on again. */
	static void Disarm() noexcept;

private:
	static void WatchSlow() noexcept;
	static u32 watch_armed_; /* A: the watchdog is scheduled or running */
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_VERIFIER_H */
