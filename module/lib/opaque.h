/* SPDX-License-Identifier: GPL-2.0 */
/*
 * opaque.h - storage for a kernel structure the C++ side cannot see.
 *
 * Opaque<spinlock, NTWQ_SIZEOF_SPINLOCK, NTWQ_ALIGNOF_SPINLOCK> is as large
 * and as aligned as spinlock_t in the kernel being built against, so the
 * bridge can initialise and use it in place.
 */
#ifndef _NTWQ_LIB_OPAQUE_H
#define _NTWQ_LIB_OPAQUE_H

#include "cxx.h"

namespace ntwq {

template <class KernelType, size_t Size, size_t Align> class Opaque {
public:
	KernelType *Get() noexcept { return reinterpret_cast<KernelType *>(bytes_); }

private:
	/* A zero-size kernel type (lock_class_key without lockdep) gets a byte. */
	alignas(Align) u8 bytes_[Size ? Size : 1];
};

} /* namespace ntwq */

#endif /* _NTWQ_LIB_OPAQUE_H */
