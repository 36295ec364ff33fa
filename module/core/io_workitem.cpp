// SPDX-License-Identifier: GPL-2.0
/*
 * io_workitem.cpp - queueing, dispatching and retiring I/O work items.
 */
#include "io_workitem.h"

#include "bridge/bridge.h"
#include "lib/runtime.h"
#include "queues.h"
#include "stats.h"
#include "verifier.h"

namespace ntwq {
namespace {

LockClass g_io_item_lock_class;
LockClass g_io_work_class; /* lockdep class of every Io work_struct */

/* What a queued item pins, copied out so dispatch never rereads the item. */
struct Pins {
	Api api;
	ObjectHeader *object;
	DriverBlock *driver;
	IoWorkItem *item; /* non-null for allocated items: their memory reference */
	u32 queue;
};

/* Drops what Queue() took; the item may be gone (and freed here). */
void Unpin(const Pins &p)
{
	module *owner = p.driver->priv.owner;

	p.object->Dereference();
	if (p.item)
		p.item->Put();
	/* The module goes before the driver drains: once EndWork lets
	 * NtwqDeleteDriver return, the module may be freed. */
	ntwq_module_put(owner);
	p.driver->EndWork();
}

Pins PinsOf(IoWorkItem *item)
{
	return { item->api, item->object, item->driver, item->allocated ? item : nullptr,
		 item->queue };
}

extern "C" void IoWorkItemDispatch(work_struct *work)
{
	auto *item = reinterpret_cast<IoWorkItem *>(reinterpret_cast<char *>(work) -
						    __builtin_offsetof(IoWorkItem, work));
	ItemRecord running;
	const void *routine;
	void *context;
	bool ex, skip;
	Pins pins;

	u64 now = ntwq_ktime_get_ns(), queued_at;
	{
		SpinGuard<IrqSave> guard(item->lock);
		pins = PinsOf(item);
		routine = item->routine;
		context = item->context;
		ex = item->ex;
		skip = item->cancel_on_start;
		item->state = IoItemState::Idle;
		item->cancel_on_start = false;
		running = item->record;
		queued_at = running.since_ns;
		running.running = true;
		running.since_ns = now;
		/* The last touch of the item's memory before the routine. */
		Registry::Replace(&item->record, &running);
	}
	Stats::Started(pins.api, pins.queue, now - queued_at);

	if (!skip) {
		int preempt = ntwq_preempt_count();
		void *body = pins.object->Body();

		if (ex)
			reinterpret_cast<PIO_WORKITEM_ROUTINE_EX>(const_cast<void *>(routine))(
				body, context, reinterpret_cast<PIO_WORKITEM>(item));
		else
			reinterpret_cast<PIO_WORKITEM_ROUTINE>(const_cast<void *>(routine))(
				static_cast<PDEVICE_OBJECT>(body), context);
		/* From here on the item may be freed or reused: touch only pins. */
		if (ntwq_irqs_disabled() || ntwq_preempt_count() != preempt) {
			Verifier::Report(NTWQ_DIAG_BAD_IRQL_RETURN, "IoQueueWorkItem", routine,
					 pins.driver->Name(),
					 "routine returned with interrupts or preemption disabled; restored");
			ntwq_preempt_count_restore(preempt);
			ntwq_local_irq_enable();
		}
	}

	Registry::Remove(&running);
	if (skip)
		Stats::Cancelled(pins.api, pins.queue);
	else
		Stats::Completed(pins.api, pins.queue);
	Unpin(pins);
}

} /* namespace */

IoWorkItem *IoWorkItem::FromHandle(PIO_WORKITEM handle, const char *api) noexcept
{
	auto *item = reinterpret_cast<IoWorkItem *>(handle);

	if (!item || item->magic.LoadAcquire() != kIoItemMagic) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, api, nullptr, nullptr,
				 item ? "not a live work item" : "NULL work item");
		return nullptr;
	}
	return item;
}

void IoWorkItem::Init(ObjectHeader *io_object, bool is_allocated, Api family) noexcept
{
	allocated = is_allocated;
	api = family;
	refs.Store(1);
	lock.Init("ntwq_io_item", g_io_item_lock_class);
	state = IoItemState::Idle;
	cancel_on_start = false;
	io_object->Reference();
	object = io_object;
	driver = DriverOf(io_object);
	record.node.Init();
	record.api = family;
	record.driver = driver->Name();
	ntwq_init_work(work.Get(), IoWorkItemDispatch, g_io_work_class.Key());
	magic.StoreRelease(kIoItemMagic);
}

bool IoWorkItem::Queue(const char *api_name, const void *worker_routine, bool is_ex,
		       unsigned int queue_type, void *ctx, const void *shown) noexcept
{
	int q = Queues::IndexOf(queue_type);

	if (q < 0) {
		Verifier::Report(NTWQ_DIAG_INVALID_QUEUE_TYPE, api_name, worker_routine,
				 driver->Name(), "invalid WORK_QUEUE_TYPE; not queued");
		return false;
	}

	SpinGuard<IrqSave> guard(lock);
	if (magic.Load() != kIoItemMagic) {
		Verifier::Report(NTWQ_DIAG_INVALID_ITEM, api_name, worker_routine, driver->Name(),
				 "work item freed while being queued; not queued");
		return false;
	}
	if (state == IoItemState::Queued) {
		Verifier::Report(NTWQ_DIAG_QUEUE_QUEUED, api_name, worker_routine, driver->Name(),
				 "work item already queued; it runs once");
		return false;
	}
	if (!driver->BeginWork()) {
		Verifier::Report(NTWQ_DIAG_DRIVER_GONE, api_name, worker_routine, driver->Name(),
				 "driver already deleted; not queued");
		return false;
	}
	ntwq_module_get(driver->priv.owner);
	object->Reference();
	if (allocated)
		refs.Inc();

	state = IoItemState::Queued;
	routine = worker_routine;
	ex = is_ex;
	context = ctx;
	queue = static_cast<u32>(q);
	record.queue = queue;
	record.routine = shown ? shown : worker_routine;
	record.running = false;
	record.since_ns = ntwq_ktime_get_ns();
	Registry::Add(&record);
	Stats::Queued(api, queue);
	/* Under the item lock, so a concurrent free either cancels it or
	 * finds it already dispatched. */
	ntwq_queue_work(Queues::Get(queue), work.Get());
	return true;
}

bool IoWorkItem::Cancel() noexcept
{
	Pins pins;
	{
		SpinGuard<IrqSave> guard(lock);
		if (state != IoItemState::Queued || !ntwq_cancel_work(work.Get()))
			return false;
		state = IoItemState::Idle;
		Registry::Remove(&record);
		pins = PinsOf(this);
	}
	Stats::Cancelled(pins.api, pins.queue);
	Unpin(pins);
	return true;
}

void IoWorkItem::Flush() noexcept
{
	ntwq_flush_work(work.Get());
}

void IoWorkItem::Retire(const char *api_name) noexcept
{
	bool cancelled = false, running = false;
	const void *queued_routine = nullptr;
	Pins pins = {};

	{
		SpinGuard<IrqSave> guard(lock);
		magic.StoreRelease(kIoItemDead);
		if (state == IoItemState::Queued) {
			queued_routine = routine;
			pins = PinsOf(this);
			cancelled = ntwq_cancel_work(work.Get());
			if (cancelled) {
				state = IoItemState::Idle;
				Registry::Remove(&record);
			} else {
				/* Already taken by a worker that waits for our lock:
				 * it will see this and skip the routine. */
				cancel_on_start = true;
				running = true;
			}
		}
	}
	if (queued_routine)
		Verifier::Report(NTWQ_DIAG_FREE_QUEUED, api_name, queued_routine, driver->Name(),
				 cancelled ? "work item freed while queued; cancelled"
					   : "work item freed while queued; it will not run");
	if (cancelled) {
		Stats::Cancelled(pins.api, pins.queue);
		Unpin(pins);
	}
	/*
	 * Caller storage of an item a worker has already taken: the worker
	 * still reads it, so wait for it where waiting is allowed.
	 */
	if (running && !allocated && ntwq_in_task() && !ntwq_in_atomic() &&
	    !ntwq_irqs_disabled() && ntwq_current_work() != work.Get())
		ntwq_flush_work(work.Get());
	object->Dereference();
}

void IoWorkItem::Put() noexcept
{
	if (refs.Dec() == 0) {
		ntwq_destroy_work(work.Get());
		ntwq_rt_free(this);
	}
}

} /* namespace ntwq */
