/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic.h - Atomic<T>: a counter or flag shared without a lock.
 *
 * Built on the compiler's __atomic builtins, which g++ turns into the same
 * lock-prefixed instructions the kernel's atomic_t uses on x86-64; no call,
 * no library.  The order of each operation, as a reader of kernel code
 * would name it (Documentation/atomic_t.txt):
 *
 *   Load, Store                 relaxed: READ_ONCE(), WRITE_ONCE()
 *   LoadAcquire, StoreRelease   smp_load_acquire(), smp_store_release()
 *   Add, Sub, Inc, Dec          fully ordered, like atomic_add_return(): no
 *                               load or store before or after, atomic or
 *                               not, moves across them
 *   CompareExchange             fully ordered if it stores, like
 *                               atomic_try_cmpxchg(); when it fails, an
 *                               acquire load of the value it found
 *   AddRelaxed, IncRelaxed,     relaxed, like atomic_add(): atomic, nothing
 *   DecRelaxed, MaxRelaxed      more.  Only for values nothing else is
 *                               ordered by (statistics); a caller says why.
 *
 * "Fully ordered" is a seq_cst read-modify-write between two compiler
 * barriers.  The hardware makes the seq_cst RMW a full barrier (a lock
 * prefix on x86-64, which is all ntwq builds for); the C++ model alone does
 * not: it would let the compiler satisfy a relaxed load that follows a
 * seq_cst RMW before it, which is the store-then-load (Dekker) pattern the
 * core relies on (FxWorkItem::Enqueue counts outstanding, then reads
 * deleted; FxObject::Delete sets deleted, then reads outstanding).  The
 * compiler barriers are __atomic_signal_fence(), written out in each
 * method: an empty helper, emitted out of line, broke the debug kernel's
 * link (a __patchable_function_entries reference to a discarded section).
 * They cost nothing at run time.
 */
#ifndef _NTWQ_LIB_ATOMIC_H
#define _NTWQ_LIB_ATOMIC_H

#include "cxx.h"

namespace ntwq {

template <class T> class Atomic {
public:
	constexpr Atomic() noexcept : value_() {}
	constexpr explicit Atomic(T v) noexcept : value_(v) {}
	Atomic(const Atomic &) = delete;
	Atomic &operator=(const Atomic &) = delete;

	NTWQ_ALWAYS_INLINE T Load() const noexcept
	{
		return __atomic_load_n(&value_, __ATOMIC_RELAXED);
	}
	NTWQ_ALWAYS_INLINE T LoadAcquire() const noexcept
	{
		return __atomic_load_n(&value_, __ATOMIC_ACQUIRE);
	}
	NTWQ_ALWAYS_INLINE void Store(T v) noexcept
	{
		__atomic_store_n(&value_, v, __ATOMIC_RELAXED);
	}
	NTWQ_ALWAYS_INLINE void StoreRelease(T v) noexcept
	{
		__atomic_store_n(&value_, v, __ATOMIC_RELEASE);
	}

	/* Fully ordered.  Return the new value. */
	NTWQ_ALWAYS_INLINE T Add(T v) noexcept
	{
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		T now = __atomic_add_fetch(&value_, v, __ATOMIC_SEQ_CST);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		return now;
	}
	NTWQ_ALWAYS_INLINE T Sub(T v) noexcept
	{
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		T now = __atomic_sub_fetch(&value_, v, __ATOMIC_SEQ_CST);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		return now;
	}
	NTWQ_ALWAYS_INLINE T Inc() noexcept { return Add(1); }
	NTWQ_ALWAYS_INLINE T Dec() noexcept { return Sub(1); }

	/*
	 * Stores @desired if the value is @expected (fully ordered); else
	 * loads the value into @expected (acquire).
	 */
	NTWQ_ALWAYS_INLINE bool CompareExchange(T &expected, T desired) noexcept
	{
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		bool stored = __atomic_compare_exchange_n(&value_, &expected, desired, false,
							  __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		return stored;
	}

	/* Relaxed: atomic, no ordering.  Return the new value. */
	NTWQ_ALWAYS_INLINE T AddRelaxed(T v) noexcept
	{
		return __atomic_add_fetch(&value_, v, __ATOMIC_RELAXED);
	}
	NTWQ_ALWAYS_INLINE T IncRelaxed() noexcept { return AddRelaxed(1); }
	NTWQ_ALWAYS_INLINE T DecRelaxed() noexcept
	{
		return __atomic_sub_fetch(&value_, 1, __ATOMIC_RELAXED);
	}
	/* Relaxed: raises the value to at least @v; returns the value now held. */
	NTWQ_ALWAYS_INLINE T MaxRelaxed(T v) noexcept
	{
		T cur = Load();
		while (cur < v &&
		       !__atomic_compare_exchange_n(&value_, &cur, v, false,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		return cur < v ? v : cur;
	}

	/* The address, for kernel waits on the variable (wait_var_event). */
	NTWQ_ALWAYS_INLINE T *Address() noexcept { return &value_; }

private:
	T value_;
};

} /* namespace ntwq */

#endif /* _NTWQ_LIB_ATOMIC_H */
