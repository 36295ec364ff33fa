/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verifier.h - diagnostics for misuse Windows would bugcheck on.
 *
 * A diagnostic is one rate-limited KERN_ERR line naming the Windows code it
 * stands for, the API, the routine (%ps) and the driver, plus a counter in
 * debugfs stats.  Never a WARN(): the caller keeps its state consistent and
 * goes on.  Callable from any context.
 */
#ifndef _NTWQ_CORE_VERIFIER_H
#define _NTWQ_CORE_VERIFIER_H

#include "internal.h"

struct seq_file;

/* The verifier switch: module parameter `verifier` and debugfs `verifier`. */
#ifdef __cplusplus
extern "C" bool ntwq_verifier;
#endif

namespace ntwq {

class Verifier {
public:
	/*
	 * Verifier mode: per-item records for debugfs `items`.  Off by
	 * default; read once per queue call (one predictable branch).
	 */
	static bool Tracking() noexcept { return __atomic_load_n(&ntwq_verifier, __ATOMIC_RELAXED); }
	static void Report(ntwq_diag kind, const char *api, const void *routine,
			   const char *driver, const char *what) noexcept;
	static unsigned long long Count(ntwq_diag kind) noexcept;
	static void Show(seq_file *seq) noexcept;
};

} /* namespace ntwq */

#endif /* _NTWQ_CORE_VERIFIER_H */
