// SPDX-License-Identifier: GPL-2.0
/*
 * verifier.cpp - the diagnostic line and its counters; verifier mode's
 * quarantine and long-running watchdog.
 */
#include "verifier.h"

#include "bridge/bridge.h"
#include "engine.h"
#include "family.h"
#include "lib/atomic.h"
#include "lib/cxx.h"
#include "lib/opaque.h"
#include "lib/runtime.h"
#include "lib/spinlock.h"
#include "ntwq_layout.h"
#include "registry.h"
#include "trace.h"

#include <ntwq/wdm.h>

namespace ntwq {
namespace {

struct DiagInfo {
	const char *code; /* the Windows bugcheck it stands for */
	const char *name; /* key in debugfs stats */
};

/* In enum ntwq_diag order. */
const DiagInfo kDiags[] = {
	{ "WORKER_INVALID(1)", "queue_queued" },
	{ "WORKER_INVALID(2)", "free_queued" },
	{ "WORKER_INVALID(3)", "invalid_object" },
	{ "WORKER_INVALID(6)", "invalid_queue_type" },
	{ "WORKER_INVALID(7)", "invalid_routine" },
	{ "INVALID_WORK_QUEUE_ITEM", "invalid_item" },
	{ "WORKER_THREAD_RETURNED_AT_BAD_IRQL", "bad_irql_return" },
	{ "NTWQ_DRIVER_DELETED", "driver_deleted" },
	{ "NTWQ_DEVICES_LEFT", "devices_left" },
	{ "WDF_VIOLATION(0x10D)", "wdf_invalid_handle" },
	{ "WDF_VIOLATION(0x10D)", "wdf_flush_in_callback" },
	{ "WDF_VIOLATION(0x10D)", "wdf_after_delete" },
	{ "NTWQ_WDF_OBJECTS_LEFT", "wdf_objects_left" },
	{ "WDF_VIOLATION(0x10D)", "wdf_flush_endless" },
	{ "NTWQ_DELETE_REFUSED", "delete_refused" },
	{ "IRQL_NOT_LESS_OR_EQUAL(0xA)", "queue_irql" },
	{ "DRIVER_VERIFIER_DETECTED_VIOLATION(0x62)", "items_left" },
	{ "NTWQ_LONG_RUNNING", "long_running" },
	{ "PAGE_FAULT_IN_FREED_SPECIAL_POOL(0xCC)", "freed_item" },
};
static_assert(ArraySize(kDiags) == NTWQ_DIAG_COUNT, "one entry per ntwq_diag");

/* A (relaxed): counts only; nothing is ordered by them. */
Atomic<u64> g_counts[NTWQ_DIAG_COUNT];

/* ---- the recent lines, for tests ---- */

constexpr u32 kRecent = 32;
constexpr size_t kLineMax = 256;
constexpr size_t kRoutineMax = 96; /* "symbol [module]", as %ps prints it */

struct RecentLines {
	SpinLock lock;
	u32 next;                  /* L: the slot the next line goes to */
	u32 kind[kRecent];         /* L */
	char text[kRecent][kLineMax]; /* L: NUL-terminated; empty: unused */
};

LockClass g_recent_class;
RecentLines g_recent;

void Remember(ntwq_diag kind, const char *line)
{
	SpinGuard<IrqSave> guard(g_recent.lock);
	u32 slot = g_recent.next;
	size_t i = 0;

	for (; line[i] && i < kLineMax - 1; i++)
		g_recent.text[slot][i] = line[i];
	g_recent.text[slot][i] = '\0';
	g_recent.kind[slot] = kind;
	g_recent.next = (slot + 1) % kRecent;
}

/* Prints @line (already formatted) as a diagnostic of @kind and remembers it. */
void Emit(ntwq_diag kind, const char *line, bool print)
{
	Remember(kind, line);
	if (print)
		ntwq_printk(NTWQ_KERN_ERR, "%s\n", line);
}

/* ---- the quarantine of freed Io items ---- */

struct QuarantineRing {
	SpinLock lock;
	u32 count;                  /* L; read without it (relaxed): slots in use */
	u32 next;                   /* L: the oldest slot, replaced next */
	void *mem[kQuarantine];     /* L */
	size_t size[kQuarantine];   /* L */
	const void *routine[kQuarantine]; /* L: the item's last routine, for diagnostics */
	const char *driver[kQuarantine];  /* L: its driver's name (kept by keep_arg) */
	void (*keep[kQuarantine])(void *arg); /* L: drops the reference held, or nullptr */
	void *keep_arg[kQuarantine];      /* L */
};



LockClass g_quarantine_class;
QuarantineRing g_quarantine; /* trivial: zeroed static storage, no constructor */

/* One quarantined item, taken out of the ring. */
struct QuarantineSlot {
	void *mem;
	size_t size;
	const void *routine;
	const char *driver; /* valid until keep(keep_arg) */
	void (*keep)(void *arg);
	void *keep_arg;
};

/* Takes slot @i out of the ring (lock held). */
QuarantineSlot TakeSlotLocked(u32 i)
{
	QuarantineSlot q = { g_quarantine.mem[i], g_quarantine.size[i], g_quarantine.routine[i],
			     g_quarantine.driver[i], g_quarantine.keep[i], g_quarantine.keep_arg[i] };

	g_quarantine.mem[i] = nullptr;
	g_quarantine.keep[i] = nullptr;
	g_quarantine.keep_arg[i] = nullptr;
	return q;
}

u32 QuarantineCount()
{
	return __atomic_load_n(&g_quarantine.count, __ATOMIC_RELAXED);
}

void QuarantineCountAdd(int delta)
{
	__atomic_store_n(&g_quarantine.count, g_quarantine.count + delta, __ATOMIC_RELAXED);
}

constexpr unsigned char kPoison = NTWQ_QUARANTINE_POISON;

/* Releases quarantined memory, reporting a write into it since its free. */
void Release(const QuarantineSlot &q)
{
	const auto *bytes = static_cast<const unsigned char *>(q.mem);

	for (size_t i = 0; i < q.size; i++) {
		if (bytes[i] != kPoison) {
			Verifier::Report(NTWQ_DIAG_FREED_ITEM, "IoFreeWorkItem", q.routine, q.driver,
					 "freed work item was written after its free (poison changed); memory released now");
			break;
		}
	}
	ntwq_rt_free(q.mem);
	if (q.keep)
		q.keep(q.keep_arg);
}

/* ---- the long-running watchdog ---- */

Opaque<delayed_work, NTWQ_SIZEOF_DELAYED_WORK, NTWQ_ALIGNOF_DELAYED_WORK> g_watchdog;
Atomic<u32> g_watch_stopped; /* A: module exit: never re-arm */

u32 WatchPeriodMs()
{
	u32 ms = __atomic_load_n(&ntwq_verifier_long_ms, __ATOMIC_RELAXED) / 4;

	return ms < 10 ? 10 : ms > 1000 ? 1000 : ms;
}

void ReportLongRun(const LongRun &run)
{
	char what[96];

	ntwq_snprintf(what, sizeof(what),
		      "routine running for %llu ms (verifier_long_ms %u); its worker's stack follows",
		      run.ran_ns / 1000000, __atomic_load_n(&ntwq_verifier_long_ms, __ATOMIC_RELAXED));
	bool printed = Verifier::Report(NTWQ_DIAG_LONG_RUNNING, run.api, run.routine, run.driver,
					what);
	/* The stack goes with its line, not rate limited again: a report is whole or absent. */
	for (u32 i = 0; i < run.frames; i++) {
		char line[kLineMax];

		ntwq_snprintf(line, sizeof(line), "%s:   %pS", kDiags[NTWQ_DIAG_LONG_RUNNING].code,
			      reinterpret_cast<void *>(run.stack[i]));
		Emit(NTWQ_DIAG_LONG_RUNNING, line, printed);
	}
}

extern "C" void VerifierWatchdog(work_struct *)
{
	u64 threshold = Verifier::LongNs();

	/* A few reports per pass at most: the rest wait for the next pass. */
	for (u32 found = 0; found < 8; found++) {
		LongRun run;
		u64 now = ntwq_ktime_get_ns();

		if (!Registry::TakeLongRunning(now, threshold, &run) &&
		    !Engine::TakeLongRunning(now, threshold, &run))
			break;
		ReportLongRun(run);
	}
	if (Verifier::On() && !g_watch_stopped.Load()) {
		ntwq_schedule_delayed_work(g_watchdog.Get(), WatchPeriodMs());
		return;
	}
	/* Off: disarm, then look again, so a dispatch that saw it armed is not missed. */
	Verifier::Disarm();
}

bool HasPrefix(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/*
 * The API family of @api, the routine a diagnostic names: IoXxx and the
 * object manager's ObfXxx are io, ExXxx ex, WdfXxx and NtwqWdfXxx wdf (the
 * dispatcher names the family itself: "io", "wdf"); a shim's routines
 * begin with its family's name (NdisQueueIoWorkItem, or "ndis" from the
 * dispatcher); anything else is ntwq's.
 */
const char *FamilyOf(const char *api)
{
	if (HasPrefix(api, "Io") || HasPrefix(api, "Ob") || HasPrefix(api, "io"))
		return "io";
	if (HasPrefix(api, "Ex") || HasPrefix(api, "ex"))
		return "ex";
	if (HasPrefix(api, "Wdf") || HasPrefix(api, "NtwqWdf") || HasPrefix(api, "wdf"))
		return "wdf";
	const char *shim = Families::Prefixing(api);
	return shim ? shim : "ntwq";
}

} /* namespace */

u32 Verifier::watch_armed_;

bool Verifier::Report(ntwq_diag kind, const char *api, const void *routine,
		      const char *driver, const char *what, const void *site) noexcept
{
	if (kind >= NTWQ_DIAG_COUNT)
		return false;
	g_counts[kind].IncRelaxed();
	if (trace::DiagnosticOn())
		ntwq_trace_diagnostic(kDiags[kind].code, kDiags[kind].name, api, FamilyOf(api),
				      driver, routine);

	/* "none" rather than %ps's "0x0": an item never queued has no routine. */
	char who[kRoutineMax];
	if (routine)
		ntwq_snprintf(who, sizeof(who), "%ps", routine);
	else
		ntwq_snprintf(who, sizeof(who), "none");
	char line[kLineMax];
	if (site)
		ntwq_snprintf(line, sizeof(line), "%s: %s: %s (routine %s, driver %s, call site %pS)",
			      kDiags[kind].code, api, what, who, driver ? driver : "?", site);
	else
		ntwq_snprintf(line, sizeof(line), "%s: %s: %s (routine %s, driver %s)",
			      kDiags[kind].code, api, what, who, driver ? driver : "?");
	bool print = ntwq_diag_ratelimit_ok();
	Emit(kind, line, print);
	return print;
}

void Verifier::CheckQueueIrql(const char *api, const void *routine, const char *driver,
			      const void *site) noexcept
{
	if (KeGetCurrentIrql() > DISPATCH_LEVEL)
		Report(NTWQ_DIAG_QUEUE_IRQL, api, routine, driver,
		       "queue call above DISPATCH_LEVEL (Windows allows <= DISPATCH_LEVEL); queued",
		       site);
}

unsigned long long Verifier::Count(ntwq_diag kind) noexcept
{
	return kind < NTWQ_DIAG_COUNT ? g_counts[kind].Load() : 0;
}

void Verifier::Show(seq_file *seq) noexcept
{
	for (unsigned int i = 0; i < NTWQ_DIAG_COUNT; i++)
		ntwq_seq_printf(seq, "diag.%s %llu\n", kDiags[i].name, g_counts[i].Load());
	ntwq_seq_printf(seq, "verifier.quarantined %u\n", QuarantineCount());
}

void Verifier::Quarantine(void *mem, size_t size, const void *routine, const char *driver,
			  void (*keep)(void *arg), void *keep_arg) noexcept
{
	QuarantineSlot victim;

	__builtin_memset(mem, kPoison, size);
	{
		SpinGuard<IrqSave> guard(g_quarantine.lock);
		u32 slot = g_quarantine.next;

		victim = TakeSlotLocked(slot);
		g_quarantine.mem[slot] = mem;
		g_quarantine.size[slot] = size;
		g_quarantine.routine[slot] = routine;
		g_quarantine.driver[slot] = driver;
		g_quarantine.keep[slot] = keep;
		g_quarantine.keep_arg[slot] = keep_arg;
		g_quarantine.next = (slot + 1) % kQuarantine;
		if (!victim.mem)
			QuarantineCountAdd(1);
	}
	if (victim.mem)
		Release(victim);
}

bool Verifier::Quarantined(const void *mem) noexcept
{
	if (!mem || !QuarantineCount())
		return false;
	SpinGuard<IrqSave> guard(g_quarantine.lock);
	for (u32 i = 0; i < kQuarantine; i++)
		if (g_quarantine.mem[i] == mem)
			return true;
	return false;
}

bool Verifier::ReportIfQuarantined(const void *mem, const char *api, const void *site) noexcept
{
	if (!mem || !QuarantineCount())
		return false;
	/*
	 * Reported under the ring's lock: the slot's driver name stays valid
	 * while the slot holds its reference (printing under a spinlock is
	 * fine; the rate limit keeps it short).
	 */
	SpinGuard<IrqSave> guard(g_quarantine.lock);
	for (u32 i = 0; i < kQuarantine; i++) {
		if (g_quarantine.mem[i] != mem)
			continue;
		Report(NTWQ_DIAG_FREED_ITEM, api, g_quarantine.routine[i], g_quarantine.driver[i],
		       "work item already freed (found in the verifier's quarantine); ignored",
		       site);
		return true;
	}
	return false;
}

void Verifier::DrainQuarantine() noexcept
{
	for (;;) {
		QuarantineSlot q = {};
		{
			SpinGuard<IrqSave> guard(g_quarantine.lock);
			for (u32 i = 0; i < kQuarantine && !q.mem; i++) {
				if (g_quarantine.mem[i]) {
					q = TakeSlotLocked(i);
					QuarantineCountAdd(-1);
				}
			}
		}
		if (!q.mem)
			return;
		Release(q);
	}
}

u64 Verifier::LongNs() noexcept
{
	u32 ms = __atomic_load_n(&ntwq_verifier_long_ms, __ATOMIC_RELAXED);

	return static_cast<u64>(ms ? ms : 1) * 1000000;
}

void Verifier::WatchSlow() noexcept
{
	u32 expected = 0;

	if (g_watch_stopped.Load() ||
	    !__atomic_compare_exchange_n(&watch_armed_, &expected, 1, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return;
	ntwq_schedule_delayed_work(g_watchdog.Get(), WatchPeriodMs());
}

void Verifier::Init() noexcept
{
	g_recent.lock.Init("ntwq_diag_recent", g_recent_class);
	g_quarantine.lock.Init("ntwq_quarantine", g_quarantine_class);
	ntwq_init_delayed_work(g_watchdog.Get(), VerifierWatchdog);
	g_watch_stopped.Store(0);
	__atomic_store_n(&watch_armed_, 0, __ATOMIC_RELAXED);
}

void Verifier::Disarm() noexcept
{
	__atomic_store_n(&watch_armed_, 0, __ATOMIC_SEQ_CST);
	if (On())
		WatchSlow();
}

void Verifier::StopWatchdog() noexcept
{
	g_watch_stopped.Store(1);
	/* Waits for a pass in flight; it does not re-arm. */
	ntwq_cancel_delayed_work_sync(g_watchdog.Get());
}

} /* namespace ntwq */

using namespace ntwq;

extern "C" unsigned long long ntwq_diag_count(unsigned int kind)
{
	return Verifier::Count(static_cast<ntwq_diag>(kind));
}

extern "C" bool ntwq_verifier_quarantined(const void *item)
{
	return Verifier::Quarantined(item);
}

extern "C" void ntwq_verifier_drain_quarantine(void)
{
	Verifier::DrainQuarantine();
}

extern "C" bool ntwq_diag_recent(unsigned int i, unsigned int *kind, char *buf,
				 unsigned long cap)
{
	if (i >= kRecent || !cap)
		return false;
	SpinGuard<IrqSave> guard(g_recent.lock);
	u32 slot = (g_recent.next + kRecent - 1 - i) % kRecent;
	const char *text = g_recent.text[slot];

	if (!text[0])
		return false;
	size_t n = 0;
	for (; text[n] && n < cap - 1; n++)
		buf[n] = text[n];
	buf[n] = '\0';
	*kind = g_recent.kind[slot];
	return true;
}

extern "C" void ntwq_diag_recent_clear(void)
{
	SpinGuard<IrqSave> guard(g_recent.lock);
	for (u32 i = 0; i < kRecent; i++)
		g_recent.text[i][0] = '\0';
}
