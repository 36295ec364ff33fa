/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bridge.h - the C functions ntwq's C++ calls to reach the kernel.
 *
 * The kernel's headers do not compile as C++, so every kernel facility the
 * C++ core uses goes through one of these functions, each a thin wrapper,
 * mostly a forwarding call to one kernel function, at most a loop over CPUs
 * or a kernel-version switch (see the kernel-doc in module/bridge/<subsystem>.c).
 * Kernel structures appear here only as incomplete types; C++ embeds them as
 * opaque storage sized by the build-generated ntwq_layout.h.
 *
 * C includes this after its Linux headers; C++ includes it on its own.
 */
#ifndef _NTWQ_BRIDGE_H
#define _NTWQ_BRIDGE_H

#ifdef __cplusplus
typedef __SIZE_TYPE__ size_t;
typedef unsigned int ntwq_gfp_t;
extern "C" {
#else
typedef gfp_t ntwq_gfp_t;
#endif

struct completion;
struct delayed_work;
struct dentry;
struct kref;
struct lock_class_key;
struct module;
struct mutex;
struct seq_file;
struct spinlock;
struct work_struct;
struct workqueue_struct;

typedef void (*ntwq_work_func_t)(struct work_struct *work);

/* slab.c */
void *ntwq_kmalloc(size_t size, ntwq_gfp_t gfp);
void ntwq_kfree(const void *ptr);

/* fault.c */
void ntwq_fault_init(void);
bool ntwq_fault_should_fail_alloc(size_t size);
int ntwq_fault_set_fail_nth(unsigned int nth);
unsigned int ntwq_fault_get_fail_nth(void);
struct dentry *ntwq_fault_create_debugfs(const char *name, struct dentry *parent);

/* spinlock.c */
void ntwq_spin_lock_init(struct spinlock *lock, const char *name,
			 struct lock_class_key *key);
void ntwq_spin_lock(struct spinlock *lock);
void ntwq_spin_unlock(struct spinlock *lock);
unsigned long ntwq_spin_lock_irqsave(struct spinlock *lock);
void *ntwq_spin_lock_irqsave_local(void *base, size_t stride, unsigned long *flags);
void ntwq_spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags);
bool ntwq_spin_is_locked(struct spinlock *lock);
void ntwq_lockdep_assert_held(struct spinlock *lock);

/* irq.c */
bool ntwq_irqs_disabled(void);
bool ntwq_in_task(void);
bool ntwq_in_hardirq(void);
bool ntwq_in_nmi(void);
bool ntwq_in_atomic(void);
bool ntwq_preemptible(void);
bool ntwq_in_rcu_read_side(void);
unsigned long ntwq_local_irq_save(void);
void ntwq_local_irq_restore(unsigned long flags);
int ntwq_preempt_count(void);
bool ntwq_context_changed(int before);
void ntwq_preempt_count_restore(int count);
const void *ntwq_current_task(void);
void ntwq_cond_resched(void);

/* mutex.c */
void ntwq_mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key);
void ntwq_mutex_lock(struct mutex *lock);
void ntwq_mutex_unlock(struct mutex *lock);
void ntwq_mutex_destroy(struct mutex *lock);

/* workqueue.c */
struct workqueue_struct *ntwq_alloc_workqueue(const char *name,
					      unsigned int flags, int max_active);
void ntwq_destroy_workqueue(struct workqueue_struct *wq);
void ntwq_init_work(struct work_struct *work, ntwq_work_func_t func,
		    struct lock_class_key *key);
void ntwq_destroy_work(struct work_struct *work);
bool ntwq_queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool ntwq_queue_work_on(unsigned int cpu, struct workqueue_struct *wq,
			struct work_struct *work);
void ntwq_init_delayed_work(struct delayed_work *dwork, ntwq_work_func_t func);
bool ntwq_schedule_delayed_work(struct delayed_work *dwork, unsigned int delay_ms);
void ntwq_cancel_delayed_work_sync(struct delayed_work *dwork);
struct work_struct *ntwq_current_work_of(ntwq_work_func_t func);

/* stack.c */
void ntwq_task_get(const void *task);
void ntwq_task_put(const void *task);
unsigned int ntwq_task_stack(const void *task, unsigned long *entries, unsigned int max);

/* kref.c */
void ntwq_kref_init(struct kref *kref);
void ntwq_kref_get(struct kref *kref);
bool ntwq_kref_put(struct kref *kref, void (*release)(struct kref *kref));
unsigned int ntwq_kref_read(const struct kref *kref);

/* module.c */
void ntwq_module_get(struct module *mod);
bool ntwq_module_try_get(struct module *mod);
void ntwq_module_put(struct module *mod);
void ntwq_module_core_text(struct module *mod, unsigned long *base, unsigned long *size);
bool ntwq_within_module_text(const void *addr, struct module *mod);
const char *ntwq_module_name(struct module *mod);
struct module *ntwq_this_module(void);

/* completion.c */
void ntwq_init_completion(struct completion *done);
void ntwq_complete(struct completion *done);
void ntwq_complete_all(struct completion *done);
void ntwq_wait_for_completion(struct completion *done);

/* percpu.c */
void *ntwq_alloc_percpu_u64(size_t count);
bool ntwq_percpu_any_equals(void *base, size_t index, unsigned long long value);
void ntwq_free_percpu(void *base);
unsigned long long ntwq_percpu_sum(void *base, size_t index);
unsigned long long ntwq_percpu_max(void *base, size_t index);
unsigned int ntwq_nr_cpu_ids(void);
unsigned int ntwq_cpu_hint(void);

/* count.c */
bool ntwq_count_tryget(void *count, const unsigned int *closed);
void ntwq_count_put(void *count, unsigned int *closed);
void ntwq_count_wake(unsigned int *closed);
void ntwq_count_close(void *count, unsigned int *closed);

/* wait.c */
bool ntwq_wait_var_zero_timeout(unsigned int *var, unsigned int timeout_ms);
void ntwq_wake_up_var(void *var);

/* time.c */
unsigned long long ntwq_ktime_get_ns(void);
unsigned long long ntwq_ktime_get_coarse_ns(void);
unsigned long long ntwq_cycles_to_ns(unsigned long long cycles);
void ntwq_msleep(unsigned int ms);

/* printk.c */
bool ntwq_diag_ratelimit_ok(void);
void ntwq_printk(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* debugfs.c */

/**
 * struct ntwq_show_ops - a read-only debugfs file.
 * @show: prints the file's text through ntwq_seq_printf().
 * @data: handed back to @show.
 */
struct ntwq_show_ops {
	int (*show)(struct seq_file *seq, void *data);
	void *data;
};

/**
 * struct ntwq_command_ops - a debugfs file that takes one command per write.
 * @run: runs @cmd (NUL-terminated, trailing newline stripped); writes a
 *       NUL-terminated result of at most @cap bytes to @out, which a read of
 *       the same open file returns.  Returns 0 or a negative errno, which the
 *       write returns.
 * @data: handed back to @run.
 */
struct ntwq_command_ops {
	int (*run)(void *data, const char *cmd, char *out, size_t cap);
	void *data;
};

/* Longest command a write may carry, and the size of its result text. */
#define NTWQ_COMMAND_MAX 256
#define NTWQ_COMMAND_RESULT_MAX 4096

struct dentry *ntwq_debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *ntwq_debugfs_create_show(const char *name, struct dentry *parent,
					const struct ntwq_show_ops *ops);
struct dentry *ntwq_debugfs_create_command(const char *name,
					   struct dentry *parent,
					   const struct ntwq_command_ops *ops);
void ntwq_debugfs_create_switch(const char *name, struct dentry *parent, bool *value);
void ntwq_debugfs_remove(struct dentry *dentry);
bool ntwq_debugfs_valid(struct dentry *dentry);
void ntwq_seq_printf(struct seq_file *seq, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* string.c */
int ntwq_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ntwq_kstrtouint(const char *s, unsigned int base, unsigned int *res);

/* cxxabi.c: called by a C++ virtual call through a pure virtual slot. */
void __cxa_pure_virtual(void);

/*
 * trace.c: the ntwq trace events (ntwq_trace.h).  Call one only while its
 * event is on: core/trace.h tests the static keys below.
 */

/*
 * An event's `family` is a name: "io", "ex", "wdf", a shim's registered
 * family ("ndis"), or "ntwq" for ntwq's own routines (diagnostics only).
 */
void ntwq_trace_queue(const void *item, const void *routine, const char *family,
		      unsigned int queue_type, const char *workqueue, const char *driver);
void ntwq_trace_execute_start(const void *item, const void *routine, const char *family);
void ntwq_trace_execute_end(const void *item, const void *routine, const char *family);
void ntwq_trace_diagnostic(const char *code, const char *diag, const char *api,
			   const char *family, const char *driver, const void *routine);

#ifdef __cplusplus
/* The events themselves (trace.c), for their static keys only. */
struct tracepoint;
extern struct tracepoint __tracepoint_ntwq_queue;
extern struct tracepoint __tracepoint_ntwq_execute_start;
extern struct tracepoint __tracepoint_ntwq_execute_end;
extern struct tracepoint __tracepoint_ntwq_diagnostic;
#endif

#ifdef __cplusplus
}
#endif

#endif /* _NTWQ_BRIDGE_H */
