/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime.h - allocation for ntwq's kernel C++.
 *
 * Every allocation names its GFP flags and every allocation can fail:
 *
 *	Foo *foo = new (Gfp::Kernel) Foo(args);
 *	if (!foo)
 *		return -kENOMEM;
 *
 * The tagged operator new is noexcept, so g++ keeps the null check and skips
 * the constructor when the memory is not there (a plain `new` is assumed
 * never to return NULL: g++ drops the check and constructs through NULL).  A
 * plain `new` is therefore not provided at all: it fails to link, and
 * scripts/check-cxx-object.sh rejects any object that references it.
 *
 * Allocations pass ntwq's fault-injection point (fault.c) first, so tests can
 * make any one of them fail.  delete works as usual (virtual destructors too).
 */
#ifndef _NTWQ_LIB_RUNTIME_H
#define _NTWQ_LIB_RUNTIME_H

#include "cxx.h"
#include "ntwq_layout.h"

namespace ntwq {

/* Allocation contexts, the kernel's GFP_* values. */
enum class Gfp : unsigned int {
	Kernel = NTWQ_GFP_KERNEL, /* may sleep */
	Atomic = NTWQ_GFP_ATOMIC, /* never sleeps, may use reserves */
	NoWait = NTWQ_GFP_NOWAIT, /* never sleeps, no reserves */
};

} /* namespace ntwq */

#include "rt_stats.h"

inline void *operator new(size_t size, ntwq::Gfp gfp) noexcept
{
	return ntwq_rt_alloc(size, static_cast<unsigned int>(gfp));
}

inline void *operator new[](size_t size, ntwq::Gfp gfp) noexcept
{
	return ntwq_rt_alloc(size, static_cast<unsigned int>(gfp));
}

/* Called only if a constructor throws, which -fno-exceptions rules out. */
inline void operator delete(void *ptr, ntwq::Gfp) noexcept
{
	ntwq_rt_free(ptr);
}

inline void operator delete[](void *ptr, ntwq::Gfp) noexcept
{
	ntwq_rt_free(ptr);
}

#endif /* _NTWQ_LIB_RUNTIME_H */
