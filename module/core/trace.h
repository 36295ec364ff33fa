/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - the ntwq trace events, seen from C++.
 *
 * Design note.  The events are defined in C (bridge/ntwq_trace.h, created
 * in bridge/trace.c), where the kernel's trace macros work.  A call site
 * here tests the event's static key inline, a NOP while nobody traces
 * (lib/static_key.h), and only when it is on gathers what the event records
 * and calls the bridge's ntwq_trace_*(), which records it.  So a disabled
 * event costs the queue and dispatch paths no load, no call and no store.
 *
 * Where the events fire: ntwq_queue once per accepted queue call, after the
 * item is claimed and before a worker can see it (WorkItem::Queue,
 * ExQueues::Queue), so it always precedes that run's ntwq_execute_start;
 * ntwq_execute_start/_end around the routine (WorkDispatch, ExDispatch);
 * ntwq_diagnostic in Verifier::Report.
 */
#ifndef _NTWQ_CORE_TRACE_H
#define _NTWQ_CORE_TRACE_H

#include "bridge/bridge.h"
#include "lib/static_key.h"
#include "ntwq_layout.h"
#include "stats.h"

namespace ntwq {
namespace trace {

#if NTWQ_TRACEPOINTS
/* The struct static_key inside the event's struct tracepoint. */
#define NTWQ_TRACE_KEY(event) \
	(reinterpret_cast<const char *>(&__tracepoint_##event) + NTWQ_OFFSETOF_TRACEPOINT_KEY)
NTWQ_ALWAYS_INLINE bool QueueOn() noexcept { return StaticKeyFalse(NTWQ_TRACE_KEY(ntwq_queue)); }
NTWQ_ALWAYS_INLINE bool StartOn() noexcept
{
	return StaticKeyFalse(NTWQ_TRACE_KEY(ntwq_execute_start));
}
NTWQ_ALWAYS_INLINE bool EndOn() noexcept
{
	return StaticKeyFalse(NTWQ_TRACE_KEY(ntwq_execute_end));
}
NTWQ_ALWAYS_INLINE bool DiagnosticOn() noexcept
{
	return StaticKeyFalse(NTWQ_TRACE_KEY(ntwq_diagnostic));
}
#undef NTWQ_TRACE_KEY
#else
constexpr bool QueueOn() noexcept { return false; }
constexpr bool StartOn() noexcept { return false; }
constexpr bool EndOn() noexcept { return false; }
constexpr bool DiagnosticOn() noexcept { return false; }
#endif

/* An event's `family`: "io", "ex", "wdf", or a shim's name ("ndis"). */
inline const char *Family(Api api) noexcept
{
	return ApiName(api);
}

} /* namespace trace */
} /* namespace ntwq */

#endif /* _NTWQ_CORE_TRACE_H */
