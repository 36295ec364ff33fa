// SPDX-License-Identifier: GPL-2.0
/*
 * verifier.cpp - the diagnostic line and its counters.
 */
#include "verifier.h"

#include "bridge/bridge.h"
#include "lib/atomic.h"
#include "lib/cxx.h"
#include "trace.h"

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
 * dispatcher names the family itself: "io", "wdf"); anything else is ntwq's.
 */
unsigned int FamilyOf(const char *api)
{
	if (HasPrefix(api, "Io") || HasPrefix(api, "Ob") || HasPrefix(api, "io"))
		return NTWQ_TRACE_IO;
	if (HasPrefix(api, "Ex") || HasPrefix(api, "ex"))
		return NTWQ_TRACE_EX;
	if (HasPrefix(api, "Wdf") || HasPrefix(api, "NtwqWdf") || HasPrefix(api, "wdf"))
		return NTWQ_TRACE_WDF;
	return NTWQ_TRACE_NTWQ;
}

} /* namespace */

void Verifier::Report(ntwq_diag kind, const char *api, const void *routine,
		      const char *driver, const char *what) noexcept
{
	if (kind >= NTWQ_DIAG_COUNT)
		return;
	g_counts[kind].Inc();
	if (trace::DiagnosticOn())
		ntwq_trace_diagnostic(kDiags[kind].code, kDiags[kind].name, api, FamilyOf(api),
				      driver, routine);
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
