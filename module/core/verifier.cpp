// SPDX-License-Identifier: GPL-2.0
/*
 * verifier.cpp - the diagnostic line and its counters.
 */
#include "verifier.h"

#include "bridge/bridge.h"
#include "lib/atomic.h"
#include "lib/cxx.h"

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
};
static_assert(ArraySize(kDiags) == NTWQ_DIAG_COUNT, "one entry per ntwq_diag");

Atomic<u64> g_counts[NTWQ_DIAG_COUNT]; /* A */

} /* namespace */

void Verifier::Report(ntwq_diag kind, const char *api, const void *routine,
		      const char *driver, const char *what) noexcept
{
	if (kind >= NTWQ_DIAG_COUNT)
		return;
	g_counts[kind].Inc();
	if (ntwq_diag_ratelimit_ok())
		ntwq_printk(NTWQ_KERN_ERR, "%s: %s: %s (routine %ps, driver %s)\n",
			    kDiags[kind].code, api, what, routine,
			    driver ? driver : "?");
}

unsigned long long Verifier::Count(ntwq_diag kind) noexcept
{
	return kind < NTWQ_DIAG_COUNT ? g_counts[kind].Load() : 0;
}

void Verifier::Show(seq_file *seq) noexcept
{
	for (unsigned int i = 0; i < NTWQ_DIAG_COUNT; i++)
		ntwq_seq_printf(seq, "diag.%s %llu\n", kDiags[i].name, g_counts[i].Load());
}

} /* namespace ntwq */

extern "C" unsigned long long ntwq_diag_count(unsigned int kind)
{
	return ntwq::Verifier::Count(static_cast<ntwq_diag>(kind));
}
