/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guarded.h - Guarded<T>: data reachable only with its lock held.
 *
 *	Guarded<Counts> counts_;
 *	counts_.With([&](Counts &c) { c.queued++; });
 *
 * The lambda runs under the lock (irq-saving: the data may be touched from
 * any context); nothing else can reach the data.  Keep the lambda short and
 * never call out of ntwq from it: decide under the lock, act after it.
 */
#ifndef _NTWQ_LIB_GUARDED_H
#define _NTWQ_LIB_GUARDED_H

#include "cxx.h"
#include "spinlock.h"

namespace ntwq {

template <class T> class Guarded {
public:
	Guarded() = default;
	Guarded(const Guarded &) = delete;
	Guarded &operator=(const Guarded &) = delete;

	void Init(const char *name, LockClass &cls) noexcept { lock_.Init(name, cls); }

	template <class F> auto With(F &&fn) noexcept -> decltype(fn(*static_cast<T *>(nullptr)))
	{
		SpinGuard<IrqSave> guard(lock_);
		return fn(data_);
	}

	/* For tests and assertions only. */
	bool IsLocked() noexcept { return lock_.IsLocked(); }

private:
	SpinLock lock_;
	T data_; /* L: lock_ */
};

} /* namespace ntwq */

#endif /* _NTWQ_LIB_GUARDED_H */
