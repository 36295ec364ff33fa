// SPDX-License-Identifier: GPL-2.0
/*
 * runtime.cpp - ntwq's C++ allocator and the replaceable operator delete.
 */
#include "runtime.h"
#include "atomic.h"
#include "bridge/bridge.h"

namespace ntwq {
namespace {

/*
 * A: updated atomically, read for debugfs, tests and the benchmark.
 * Statistics: no other memory is ordered by them (a reader that needs the
 * allocations behind a count synchronises another way), so relaxed.
 */
Atomic<u64> g_allocations;
Atomic<u64> g_frees;
Atomic<u64> g_failures;
Atomic<u64> g_bytes;

} /* namespace */
} /* namespace ntwq */

using namespace ntwq;

extern "C" void *ntwq_rt_alloc(size_t size, unsigned int gfp)
{
	void *ptr = nullptr;

	if (!ntwq_fault_should_fail_alloc(size))
		ptr = ntwq_kmalloc(size, gfp | NTWQ___GFP_ZERO);
	if (!ptr) {
		g_failures.IncRelaxed();
		return nullptr;
	}
	g_allocations.IncRelaxed();
	g_bytes.AddRelaxed(size);
	return ptr;
}

extern "C" void ntwq_rt_free(void *ptr)
{
	if (!ptr)
		return;
	g_frees.IncRelaxed();
	ntwq_kfree(ptr);
}

extern "C" void ntwq_rt_get_stats(struct ntwq_rt_stats *stats)
{
	stats->allocations = g_allocations.Load();
	stats->frees = g_frees.Load();
	stats->failures = g_failures.Load();
	stats->bytes = g_bytes.Load();
}

/*
 * The replaceable deallocation functions: a delete-expression (and a virtual
 * destructor's deleting variant) calls these.  The language forbids them
 * to be inline, so any other module with C++ objects needs its own copy.
 */
void operator delete(void *ptr) noexcept
{
	ntwq_rt_free(ptr);
}

void operator delete(void *ptr, size_t) noexcept
{
	ntwq_rt_free(ptr);
}

void operator delete[](void *ptr) noexcept
{
	ntwq_rt_free(ptr);
}

void operator delete[](void *ptr, size_t) noexcept
{
	ntwq_rt_free(ptr);
}
