/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenarios.h - the scenario functions, and the table rows scenario.c
 * builds from them.
 */
#ifndef _NTWQ_SELFTEST_SCENARIOS_H
#define _NTWQ_SELFTEST_SCENARIOS_H

#include "scenario.h"

#define NTWQ_SCN(fn) int fn(unsigned int arg, struct ntwq_scn_result *r)

NTWQ_SCN(ntwq_scn_io_queue);
NTWQ_SCN(ntwq_scn_io_queue_ex);
NTWQ_SCN(ntwq_scn_io_try_queue);
NTWQ_SCN(ntwq_scn_io_binary_family);
NTWQ_SCN(ntwq_scn_io_driver_object);
NTWQ_SCN(ntwq_scn_io_queue_types);
NTWQ_SCN(ntwq_scn_io_from_atomic);
NTWQ_SCN(ntwq_scn_io_from_softirq);
NTWQ_SCN(ntwq_scn_io_from_rcu);
NTWQ_SCN(ntwq_scn_io_from_hardirq);
NTWQ_SCN(ntwq_scn_io_free_in_routine);
NTWQ_SCN(ntwq_scn_io_uninit_in_routine);
NTWQ_SCN(ntwq_scn_io_requeue);
NTWQ_SCN(ntwq_scn_io_requeue_other_type);
NTWQ_SCN(ntwq_scn_io_delete_pending);
NTWQ_SCN(ntwq_scn_io_delete_driver_waits);
NTWQ_SCN(ntwq_scn_io_double_queue);
NTWQ_SCN(ntwq_scn_io_free_queued);
NTWQ_SCN(ntwq_scn_io_uninit_queued);
NTWQ_SCN(ntwq_scn_io_uninit_taken);
NTWQ_SCN(ntwq_scn_io_invalid_type);
NTWQ_SCN(ntwq_scn_io_null_args);
NTWQ_SCN(ntwq_scn_io_foreign_routine);
NTWQ_SCN(ntwq_scn_io_bad_irql_return);
NTWQ_SCN(ntwq_scn_io_bad_bh_return);
NTWQ_SCN(ntwq_scn_io_alloc_fail);
NTWQ_SCN(ntwq_scn_io_concurrency);
NTWQ_SCN(ntwq_scn_io_init_queued);

NTWQ_SCN(ntwq_scn_io_delete_driver_twice);
NTWQ_SCN(ntwq_scn_io_delete_driver_in_routine);
NTWQ_SCN(ntwq_scn_io_delete_driver_raised);
NTWQ_SCN(ntwq_scn_io_init_twice);
NTWQ_SCN(ntwq_scn_io_init_allocated);
NTWQ_SCN(ntwq_scn_io_uninit_queue_race);
NTWQ_SCN(ntwq_scn_io_uninit_dispatcher_starting);
NTWQ_SCN(ntwq_scn_io_delete_driver_queue_race);
NTWQ_SCN(ntwq_scn_io_requeue_all_cpus);
NTWQ_SCN(ntwq_scn_ex_requeue_all_cpus);
NTWQ_SCN(ntwq_scn_vrf_free_during_reclaim);

NTWQ_SCN(ntwq_scn_ex_layout);
NTWQ_SCN(ntwq_scn_ex_parameter);
NTWQ_SCN(ntwq_scn_ex_unpin_after_items);
NTWQ_SCN(ntwq_scn_ex_flink_while_queued);
NTWQ_SCN(ntwq_scn_ex_free_in_routine);
NTWQ_SCN(ntwq_scn_ex_on_stack);
NTWQ_SCN(ntwq_scn_ex_from_atomic);
NTWQ_SCN(ntwq_scn_ex_from_softirq);
NTWQ_SCN(ntwq_scn_ex_from_hardirq);
NTWQ_SCN(ntwq_scn_ex_requeue);
NTWQ_SCN(ntwq_scn_ex_requeue_no_overlap);
NTWQ_SCN(ntwq_scn_ex_requeue_other_type);
NTWQ_SCN(ntwq_scn_ex_many);
NTWQ_SCN(ntwq_scn_ex_concurrency);
NTWQ_SCN(ntwq_scn_ex_double_queue);
NTWQ_SCN(ntwq_scn_ex_invalid_type);
NTWQ_SCN(ntwq_scn_ex_null_args);
NTWQ_SCN(ntwq_scn_ex_bad_irql_return);
NTWQ_SCN(ntwq_scn_ex_bad_bh_return);
NTWQ_SCN(ntwq_scn_ex_pin_self);

NTWQ_SCN(ntwq_scn_wdf_create);
NTWQ_SCN(ntwq_scn_wdf_context);
NTWQ_SCN(ntwq_scn_wdf_callback);
NTWQ_SCN(ntwq_scn_wdf_coalesce);
NTWQ_SCN(ntwq_scn_wdf_enqueue_from_callback);
NTWQ_SCN(ntwq_scn_wdf_flush_waits);
NTWQ_SCN(ntwq_scn_wdf_flush_idle);
NTWQ_SCN(ntwq_scn_wdf_flush_in_callback);
NTWQ_SCN(ntwq_scn_wdf_flush_other_in_callback);
NTWQ_SCN(ntwq_scn_wdf_flush_requeuing);
NTWQ_SCN(ntwq_scn_wdf_delete_idle);
NTWQ_SCN(ntwq_scn_wdf_delete_running);
NTWQ_SCN(ntwq_scn_wdf_delete_in_callback);
NTWQ_SCN(ntwq_scn_wdf_delete_raised_irql);
NTWQ_SCN(ntwq_scn_wdf_cascade);
NTWQ_SCN(ntwq_scn_wdf_destroy_order);
NTWQ_SCN(ntwq_scn_wdf_serialization);
NTWQ_SCN(ntwq_scn_wdf_incompatible_level);
NTWQ_SCN(ntwq_scn_wdf_invalid_handles);
NTWQ_SCN(ntwq_scn_wdf_alloc_fail);
NTWQ_SCN(ntwq_scn_wdf_delete_twice_raised);
NTWQ_SCN(ntwq_scn_wdf_requeue_then_delete);
NTWQ_SCN(ntwq_scn_wdf_driver_deletes_leftovers);
NTWQ_SCN(ntwq_scn_wdf_create_at_dispatch);
NTWQ_SCN(ntwq_scn_wdf_delete_pending);
NTWQ_SCN(ntwq_scn_wdf_flush_chain);
NTWQ_SCN(ntwq_scn_wdf_flush_endless);
NTWQ_SCN(ntwq_scn_wdf_create_race);
NTWQ_SCN(ntwq_scn_wdf_delete_parent_in_callback);
NTWQ_SCN(ntwq_scn_wdf_parentless_unload);
NTWQ_SCN(ntwq_scn_wdf_delete_self_refused_race);
NTWQ_SCN(ntwq_scn_wdf_device_create_race);

NTWQ_SCN(ntwq_scn_vrf_leak_io);
NTWQ_SCN(ntwq_scn_vrf_leak_io_off);
NTWQ_SCN(ntwq_scn_vrf_leak_wdf);
NTWQ_SCN(ntwq_scn_vrf_site_foreign);
NTWQ_SCN(ntwq_scn_vrf_site_irql);
NTWQ_SCN(ntwq_scn_vrf_site_ex);
NTWQ_SCN(ntwq_scn_vrf_long_running);
NTWQ_SCN(ntwq_scn_vrf_long_running_ex);
NTWQ_SCN(ntwq_scn_vrf_quarantine);

#define NTWQ_IO_SCENARIOS \
	{ "io.queue", "io.queue", ntwq_scn_io_queue }, \
	{ "io.queue_ex", "io.queue_ex", ntwq_scn_io_queue_ex }, \
	{ "io.try_queue", "io.try_queue", ntwq_scn_io_try_queue }, \
	{ "io.binary_family", "io.binary_family", ntwq_scn_io_binary_family }, \
	{ "io.driver_object", "io.driver_object", ntwq_scn_io_driver_object }, \
	{ "io.queue_types", "io.queue_types", ntwq_scn_io_queue_types }, \
	{ "io.from_atomic", "io.from_atomic", ntwq_scn_io_from_atomic }, \
	{ "io.from_softirq", "io.from_softirq", ntwq_scn_io_from_softirq }, \
	{ "io.from_rcu", "io.from_rcu", ntwq_scn_io_from_rcu }, \
	{ "io.from_hardirq", "io.from_hardirq", ntwq_scn_io_from_hardirq }, \
	{ "io.free_in_routine", "io.free_in_routine", ntwq_scn_io_free_in_routine }, \
	{ "io.uninit_in_routine", "io.uninit_in_routine", ntwq_scn_io_uninit_in_routine }, \
	{ "io.requeue", "io.requeue", ntwq_scn_io_requeue }, \
	{ "io.requeue_other_type", "io.requeue_other_type", ntwq_scn_io_requeue_other_type }, \
	{ "io.delete_pending", "io.delete_pending", ntwq_scn_io_delete_pending }, \
	{ "io.delete_driver_waits", "io.delete_driver_waits", ntwq_scn_io_delete_driver_waits }, \
	{ "io.double_queue", "io.double_queue", ntwq_scn_io_double_queue }, \
	{ "io.free_queued", "io.free_queued", ntwq_scn_io_free_queued }, \
	{ "io.uninit_queued", "io.uninit_queued", ntwq_scn_io_uninit_queued }, \
	{ "io.uninit_taken", "io.uninit_taken", ntwq_scn_io_uninit_taken }, \
	{ "io.invalid_type", "io.invalid_type", ntwq_scn_io_invalid_type }, \
	{ "io.null_args", "io.null_args", ntwq_scn_io_null_args }, \
	{ "io.foreign_routine", "io.foreign_routine", ntwq_scn_io_foreign_routine }, \
	{ "io.bad_irql_return", "io.bad_irql_return", ntwq_scn_io_bad_irql_return }, \
	{ "io.bad_bh_return", "io.bad_bh_return", ntwq_scn_io_bad_bh_return }, \
	{ "io.alloc_fail", "io.alloc_fail", ntwq_scn_io_alloc_fail }, \
	{ "io.concurrency", "io.concurrency [items]", ntwq_scn_io_concurrency }, \
	{ "io.init_queued", "io.init_queued", ntwq_scn_io_init_queued },

#define NTWQ_EX_SCENARIOS \
	{ "ex.layout", "ex.layout", ntwq_scn_ex_layout }, \
	{ "ex.parameter", "ex.parameter", ntwq_scn_ex_parameter }, \
	{ "ex.unpin_after_items", "ex.unpin_after_items", ntwq_scn_ex_unpin_after_items }, \
	{ "ex.flink_while_queued", "ex.flink_while_queued", ntwq_scn_ex_flink_while_queued }, \
	{ "ex.free_in_routine", "ex.free_in_routine", ntwq_scn_ex_free_in_routine }, \
	{ "ex.on_stack", "ex.on_stack", ntwq_scn_ex_on_stack }, \
	{ "ex.from_atomic", "ex.from_atomic", ntwq_scn_ex_from_atomic }, \
	{ "ex.from_softirq", "ex.from_softirq", ntwq_scn_ex_from_softirq }, \
	{ "ex.from_hardirq", "ex.from_hardirq", ntwq_scn_ex_from_hardirq }, \
	{ "ex.requeue", "ex.requeue", ntwq_scn_ex_requeue }, \
	{ "ex.requeue_no_overlap", "ex.requeue_no_overlap", ntwq_scn_ex_requeue_no_overlap }, \
	{ "ex.requeue_other_type", "ex.requeue_other_type", ntwq_scn_ex_requeue_other_type }, \
	{ "ex.many", "ex.many [items]", ntwq_scn_ex_many }, \
	{ "ex.concurrency", "ex.concurrency [items]", ntwq_scn_ex_concurrency }, \
	{ "ex.double_queue", "ex.double_queue", ntwq_scn_ex_double_queue }, \
	{ "ex.invalid_type", "ex.invalid_type", ntwq_scn_ex_invalid_type }, \
	{ "ex.null_args", "ex.null_args", ntwq_scn_ex_null_args }, \
	{ "ex.bad_irql_return", "ex.bad_irql_return", ntwq_scn_ex_bad_irql_return }, \
	{ "ex.bad_bh_return", "ex.bad_bh_return", ntwq_scn_ex_bad_bh_return }, \
	{ "ex.pin_self", "ex.pin_self <ms>", ntwq_scn_ex_pin_self },

#define NTWQ_WDF_SCENARIOS \
	{ "wdf.create", "wdf.create", ntwq_scn_wdf_create }, \
	{ "wdf.context", "wdf.context", ntwq_scn_wdf_context }, \
	{ "wdf.callback", "wdf.callback", ntwq_scn_wdf_callback }, \
	{ "wdf.coalesce", "wdf.coalesce", ntwq_scn_wdf_coalesce }, \
	{ "wdf.enqueue_from_callback", "wdf.enqueue_from_callback", ntwq_scn_wdf_enqueue_from_callback }, \
	{ "wdf.flush_waits", "wdf.flush_waits", ntwq_scn_wdf_flush_waits }, \
	{ "wdf.flush_idle", "wdf.flush_idle", ntwq_scn_wdf_flush_idle }, \
	{ "wdf.flush_in_callback", "wdf.flush_in_callback", ntwq_scn_wdf_flush_in_callback }, \
	{ "wdf.flush_other_in_callback", "wdf.flush_other_in_callback", ntwq_scn_wdf_flush_other_in_callback }, \
	{ "wdf.flush_requeuing", "wdf.flush_requeuing", ntwq_scn_wdf_flush_requeuing }, \
	{ "wdf.delete_idle", "wdf.delete_idle", ntwq_scn_wdf_delete_idle }, \
	{ "wdf.delete_running", "wdf.delete_running", ntwq_scn_wdf_delete_running }, \
	{ "wdf.delete_in_callback", "wdf.delete_in_callback", ntwq_scn_wdf_delete_in_callback }, \
	{ "wdf.delete_raised_irql", "wdf.delete_raised_irql", ntwq_scn_wdf_delete_raised_irql }, \
	{ "wdf.cascade", "wdf.cascade", ntwq_scn_wdf_cascade }, \
	{ "wdf.destroy_order", "wdf.destroy_order", ntwq_scn_wdf_destroy_order }, \
	{ "wdf.serialization", "wdf.serialization", ntwq_scn_wdf_serialization }, \
	{ "wdf.incompatible_level", "wdf.incompatible_level", ntwq_scn_wdf_incompatible_level }, \
	{ "wdf.invalid_handles", "wdf.invalid_handles", ntwq_scn_wdf_invalid_handles }, \
	{ "wdf.alloc_fail", "wdf.alloc_fail", ntwq_scn_wdf_alloc_fail }, \
	{ "wdf.delete_twice_raised", "wdf.delete_twice_raised", ntwq_scn_wdf_delete_twice_raised }, \
	{ "wdf.requeue_then_delete", "wdf.requeue_then_delete", ntwq_scn_wdf_requeue_then_delete }, \
	{ "wdf.driver_deletes_leftovers", "wdf.driver_deletes_leftovers", ntwq_scn_wdf_driver_deletes_leftovers }, \
	{ "wdf.create_at_dispatch", "wdf.create_at_dispatch", ntwq_scn_wdf_create_at_dispatch }, \
	{ "wdf.delete_pending", "wdf.delete_pending", ntwq_scn_wdf_delete_pending }, \
	{ "wdf.flush_chain", "wdf.flush_chain", ntwq_scn_wdf_flush_chain }, \
	{ "wdf.flush_endless", "wdf.flush_endless", ntwq_scn_wdf_flush_endless }, \
	{ "wdf.create_race", "wdf.create_race [rounds]", ntwq_scn_wdf_create_race }, \
	{ "wdf.delete_parent_in_callback", "wdf.delete_parent_in_callback", ntwq_scn_wdf_delete_parent_in_callback }, \
	{ "wdf.parentless_unload", "wdf.parentless_unload", ntwq_scn_wdf_parentless_unload }, \
	{ "wdf.delete_self_refused_race", "wdf.delete_self_refused_race", ntwq_scn_wdf_delete_self_refused_race }, \
	{ "wdf.device_create_race", "wdf.device_create_race", ntwq_scn_wdf_device_create_race },

/* The driver's and the Io item's checked states: lifetime_scenarios.c. */
#define NTWQ_LIFE_SCENARIOS \
	{ "io.delete_driver_twice", "io.delete_driver_twice", ntwq_scn_io_delete_driver_twice }, \
	{ "io.delete_driver_in_routine", "io.delete_driver_in_routine", ntwq_scn_io_delete_driver_in_routine }, \
	{ "io.delete_driver_raised", "io.delete_driver_raised", ntwq_scn_io_delete_driver_raised }, \
	{ "io.init_twice", "io.init_twice", ntwq_scn_io_init_twice }, \
	{ "io.init_allocated", "io.init_allocated", ntwq_scn_io_init_allocated }, \
	{ "io.uninit_queue_race", "io.uninit_queue_race [rounds]", ntwq_scn_io_uninit_queue_race }, \
	{ "io.uninit_dispatcher_starting", "io.uninit_dispatcher_starting", ntwq_scn_io_uninit_dispatcher_starting }, \
	{ "io.delete_driver_queue_race", "io.delete_driver_queue_race [runs]", ntwq_scn_io_delete_driver_queue_race }, \
	{ "io.requeue_all_cpus", "io.requeue_all_cpus", ntwq_scn_io_requeue_all_cpus }, \
	{ "ex.requeue_all_cpus", "ex.requeue_all_cpus", ntwq_scn_ex_requeue_all_cpus }, \
	{ "vrf.free_during_reclaim", "vrf.free_during_reclaim [rounds]", ntwq_scn_vrf_free_during_reclaim },

#define NTWQ_VRF_SCENARIOS \
	{ "vrf.leak_io", "vrf.leak_io", ntwq_scn_vrf_leak_io }, \
	{ "vrf.leak_io_off", "vrf.leak_io_off", ntwq_scn_vrf_leak_io_off }, \
	{ "vrf.leak_wdf", "vrf.leak_wdf", ntwq_scn_vrf_leak_wdf }, \
	{ "vrf.site_foreign", "vrf.site_foreign", ntwq_scn_vrf_site_foreign }, \
	{ "vrf.site_irql", "vrf.site_irql", ntwq_scn_vrf_site_irql }, \
	{ "vrf.site_ex", "vrf.site_ex", ntwq_scn_vrf_site_ex }, \
	{ "vrf.long_running", "vrf.long_running", ntwq_scn_vrf_long_running }, \
	{ "vrf.long_running_ex", "vrf.long_running_ex", ntwq_scn_vrf_long_running_ex }, \
	{ "vrf.quarantine", "vrf.quarantine", ntwq_scn_vrf_quarantine },

#endif /* _NTWQ_SELFTEST_SCENARIOS_H */
