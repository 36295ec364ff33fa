/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic.h - Atomic<T>: a counter or flag shared without a lock.
 *
 * Built on the compiler's __atomic builtins, which g++ turns into the same
 * lock-prefixed instructions the kernel's atomic_t uses on x86-64; no call,
 * no library.  Relaxed ordering unless a caller asks for more.
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

	T Load() const noexcept { return __atomic_load_n(&value_, __ATOMIC_RELAXED); }
	T LoadAcquire() const noexcept { return __atomic_load_n(&value_, __ATOMIC_ACQUIRE); }
	void Store(T v) noexcept { __atomic_store_n(&value_, v, __ATOMIC_RELAXED); }
	void StoreRelease(T v) noexcept { __atomic_store_n(&value_, v, __ATOMIC_RELEASE); }
	/* Returns the new value. */
	T Add(T v) noexcept { return __atomic_add_fetch(&value_, v, __ATOMIC_RELAXED); }
	T Sub(T v) noexcept { return __atomic_sub_fetch(&value_, v, __ATOMIC_RELAXED); }
	T Inc() noexcept { return Add(1); }
	T Dec() noexcept { return Sub(1); }
	/* Stores @desired if the value is @expected; else loads it into @expected. */
	bool CompareExchange(T &expected, T desired) noexcept
	{
		return __atomic_compare_exchange_n(&value_, &expected, desired, false,
						   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
	}
	/* The address, for kernel waits on the variable (wait_var_event). */
	T *Address() noexcept { return &value_; }
	/* Raises the value to at least @v; returns the value now held. */
	T Max(T v) noexcept
	{
		T cur = Load();
		while (cur < v &&
		       !__atomic_compare_exchange_n(&value_, &cur, v, false,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		return cur < v ? v : cur;
	}

private:
	T value_;
};

} /* namespace ntwq */

#endif /* _NTWQ_LIB_ATOMIC_H */
