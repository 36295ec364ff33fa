// SPDX-License-Identifier: GPL-2.0
/*
 * ntwq_sample_ndis.c - an NDIS-style miniport whose adapter is a real Linux
 * network interface (ndis0: a software Ethernet device that drops what it
 * sends, like dummy), doing its slow-path work the way NDIS miniports do:
 * in NDIS I/O work items queued from atomic context.
 *
 *	link state   a timer polls the (simulated) cable every 100 ms, in
 *	             softirq context; a change queues the link work item,
 *	             which sets the carrier at PASSIVE_LEVEL
 *	statistics   ndo_start_xmit counts frames in atomic counters and
 *	             queues the statistics item, which refreshes what
 *	             ndo_get_stats64 reports; the timer also queues it once a second
 *	reset        ndo_tx_timeout (here called from a timer, as the
 *	             networking watchdog would) queues the reset item, which
 *	             takes the link down, "resets" for reset_ms, and lets the
 *	             link poll bring it back
 *
 * Only Linux headers and <ntwq/ndis.h>.  Each item is queued only when it
 * is not pending already (a bit per item): queueing a queued NDIS item is
 * a driver bug (WORKER_INVALID(1)).
 *
 * rmmod: while any of its work items is queued or running the module is
 * pinned, so rmmod fails with EBUSY (try `echo 1 > .../parameters/reset`
 * with reset_ms=2000, then rmmod).  Once no item is pending rmmod goes
 * ahead: module_exit closes the interface (no more xmit, timer or reset
 * requests) and calls the halt handler, sample_halt() (MiniportHaltEx),
 * which waits for any item queued in the meantime and frees the work
 * items, as a miniport must before it returns; then NDIS (here
 * NtwqNdisHaltAdapter) releases the adapter, and the interface goes.  An
 * item still allocated when the adapter is released is the miniport's leak
 * (reported and freed by ntwq's verifier).
 *
 * Parameters (/sys/module/ntwq_sample_ndis/parameters/): cable (1:
 * plugged; writable), reset (write 1: a transmit timeout), reset_ms, and
 * the read-only counters link_work_runs, stats_work_runs, reset_work_runs.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <ntwq/ndis.h>

static int cable = 1;
module_param(cable, int, 0644);
MODULE_PARM_DESC(cable, "simulated cable: 1 plugged (default), 0 unplugged");
static unsigned int reset_ms = 10;
module_param(reset_ms, uint, 0644);
MODULE_PARM_DESC(reset_ms, "how long the reset work item takes (default 10 ms)");
static int link_work_runs, stats_work_runs, reset_work_runs;
module_param(link_work_runs, int, 0444);
MODULE_PARM_DESC(link_work_runs, "runs of the link-state work item");
module_param(stats_work_runs, int, 0444);
MODULE_PARM_DESC(stats_work_runs, "runs of the statistics work item");
module_param(reset_work_runs, int, 0444);
MODULE_PARM_DESC(reset_work_runs, "runs of the reset work item");

enum { SAMPLE_LINK, SAMPLE_STATS, SAMPLE_RESET }; /* bits of sample_adapter::pending */

#define SAMPLE_POLL (HZ / 10)
#define SAMPLE_STATS_EVERY 10 /* polls */

/* The MiniportAdapterContext: the net_device's private area. */
struct sample_adapter {
	struct net_device *dev;
	NDIS_HANDLE adapter;		/* MiniportAdapterHandle */
	NDIS_HANDLE link_item, stats_item, reset_item;
	unsigned long pending;		/* SAMPLE_* items queued and not started */
	atomic_t busy;			/* items queued and not returned yet */
	wait_queue_head_t idle;		/* woken when busy drops to 0 (sample_halt) */
	bool up;			/* between ndo_open and ndo_stop */
	bool stopping;			/* module_exit began: no more reset requests */
	struct timer_list poll;		/* link poll and periodic statistics, while up */
	struct timer_list watchdog;	/* stands for the networking watchdog */
	unsigned int polls;
	atomic64_t tx_packets, tx_bytes; /* counted by ndo_start_xmit */
	spinlock_t stats_lock;
	u64 shown_packets, shown_bytes;	/* refreshed by the statistics item */
};

static NDIS_HANDLE sample_miniport;
static struct net_device *sample_dev;

/* From any context: queue @item unless it is pending already. */
static void sample_defer(struct sample_adapter *a, int bit, NDIS_HANDLE item,
			 NDIS_IO_WORKITEM_ROUTINE routine)
{
	if (!test_and_set_bit(bit, &a->pending)) {
		atomic_inc(&a->busy);
		NdisQueueIoWorkItem(item, routine, a);
	}
}

/*
 * The last thing each routine does: the halt handler waits for this.  The
 * adapter stays valid after the wake-up: NDIS (NtwqNdisHaltAdapter) waits
 * for the routine to return before the adapter goes.
 */
static void sample_work_done(struct sample_adapter *a)
{
	if (atomic_dec_and_test(&a->busy))
		wake_up(&a->idle);
}

static NDIS_IO_WORKITEM_FUNCTION sample_link_work;
static NDIS_IO_WORKITEM_FUNCTION sample_stats_work;
static NDIS_IO_WORKITEM_FUNCTION sample_reset_work;

static VOID sample_link_work(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle)
{
	struct sample_adapter *a = WorkItemContext;

	clear_bit(SAMPLE_LINK, &a->pending);
	if (READ_ONCE(a->up) && READ_ONCE(cable)) {
		if (!netif_carrier_ok(a->dev))
			netdev_info(a->dev, "link up (set by an NDIS work item)\n");
		netif_carrier_on(a->dev);
	} else {
		netif_carrier_off(a->dev);
	}
	link_work_runs++;
	sample_work_done(a);
}

static VOID sample_stats_work(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle)
{
	struct sample_adapter *a = WorkItemContext;

	clear_bit(SAMPLE_STATS, &a->pending);
	spin_lock_bh(&a->stats_lock);
	a->shown_packets = atomic64_read(&a->tx_packets);
	a->shown_bytes = atomic64_read(&a->tx_bytes);
	spin_unlock_bh(&a->stats_lock);
	stats_work_runs++;
	sample_work_done(a);
}

static VOID sample_reset_work(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle)
{
	struct sample_adapter *a = WorkItemContext;

	clear_bit(SAMPLE_RESET, &a->pending);
	netdev_info(a->dev, "reset (an NDIS work item, after a transmit timeout)\n");
	netif_carrier_off(a->dev);
	msleep(READ_ONCE(reset_ms)); /* PASSIVE_LEVEL: the "hardware" resets */
	reset_work_runs++;
	/* The link poll sees the carrier off with the cable in: link item. */
	sample_work_done(a);
}

/*
 * container_of(), not from_timer() (6.16 renamed it timer_container_of()):
 * the sample builds unchanged on every kernel from 5.10 to the newest.
 */
static void sample_poll(struct timer_list *t)
{
	struct sample_adapter *a = container_of(t, struct sample_adapter, poll);
	bool want = READ_ONCE(cable);

	if (netif_carrier_ok(a->dev) != want)
		sample_defer(a, SAMPLE_LINK, a->link_item, sample_link_work);
	if (++a->polls % SAMPLE_STATS_EVERY == 0)
		sample_defer(a, SAMPLE_STATS, a->stats_item, sample_stats_work);
	mod_timer(&a->poll, jiffies + SAMPLE_POLL);
}

static int sample_open(struct net_device *dev)
{
	struct sample_adapter *a = netdev_priv(dev);

	WRITE_ONCE(a->up, true);
	netif_start_queue(dev);
	mod_timer(&a->poll, jiffies + 1);
	return 0;
}

static int sample_stop(struct net_device *dev)
{
	struct sample_adapter *a = netdev_priv(dev);

	netif_stop_queue(dev);
	WRITE_ONCE(a->up, false);
	timer_delete_sync(&a->poll);
	netif_carrier_off(dev);
	return 0;
}

static netdev_tx_t sample_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct sample_adapter *a = netdev_priv(dev);

	atomic64_inc(&a->tx_packets);
	atomic64_add(skb->len, &a->tx_bytes);
	consume_skb(skb);
	sample_defer(a, SAMPLE_STATS, a->stats_item, sample_stats_work);
	return NETDEV_TX_OK;
}

static void sample_tx_timeout(struct net_device *dev, unsigned int txqueue)
{
	struct sample_adapter *a = netdev_priv(dev);

	if (!READ_ONCE(a->stopping))
		sample_defer(a, SAMPLE_RESET, a->reset_item, sample_reset_work);
}

static void sample_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct sample_adapter *a = netdev_priv(dev);

	spin_lock_bh(&a->stats_lock);
	s->tx_packets = a->shown_packets;
	s->tx_bytes = a->shown_bytes;
	spin_unlock_bh(&a->stats_lock);
}

static const struct net_device_ops sample_ops = {
	.ndo_open = sample_open,
	.ndo_stop = sample_stop,
	.ndo_start_xmit = sample_xmit,
	.ndo_tx_timeout = sample_tx_timeout,
	.ndo_get_stats64 = sample_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* The networking watchdog's call, in timer (softirq) context. */
static void sample_watchdog(struct timer_list *t)
{
	struct sample_adapter *a = container_of(t, struct sample_adapter, watchdog);

	sample_tx_timeout(a->dev, 0);
}

static int sample_reset_set(const char *val, const struct kernel_param *kp)
{
	struct sample_adapter *a = sample_dev ? netdev_priv(sample_dev) : NULL;
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	if (on && a && !READ_ONCE(a->stopping))
		mod_timer(&a->watchdog, jiffies + 1);
	return 0;
}

static const struct kernel_param_ops sample_reset_ops = {
	.set = sample_reset_set,
};
module_param_cb(reset, &sample_reset_ops, NULL, 0200);
MODULE_PARM_DESC(reset, "write 1: a transmit timeout, which queues the reset work item");

/*
 * MiniportHaltEx: nothing queues new work any more (the interface is
 * closed, the watchdog stopped); wait for the items queued before that to
 * return, then free them.  NDIS releases the adapter only after this, and
 * a work item still allocated then is a leak.
 */
static void sample_halt(struct sample_adapter *a)
{
	wait_event(a->idle, !atomic_read(&a->busy));
	if (a->reset_item)
		NdisFreeIoWorkItem(a->reset_item);
	if (a->stats_item)
		NdisFreeIoWorkItem(a->stats_item);
	if (a->link_item)
		NdisFreeIoWorkItem(a->link_item);
}

static int __init sample_init(void)
{
	struct sample_adapter *a;
	struct net_device *dev;
	int err = -ENOMEM;

	/* DriverEntry: NdisMRegisterMiniportDriver. */
	if (NtwqNdisRegisterMiniportDriver(THIS_MODULE, "ntwq_sample_ndis", NULL,
					   &sample_miniport) != NDIS_STATUS_SUCCESS)
		return -ENOMEM;
	dev = alloc_etherdev(sizeof(*a));
	if (!dev)
		goto out_deregister;
	strscpy(dev->name, "ndis%d", sizeof(dev->name));
	dev->netdev_ops = &sample_ops;
	dev->watchdog_timeo = 5 * HZ;
	eth_hw_addr_random(dev);
	a = netdev_priv(dev);
	a->dev = dev;
	spin_lock_init(&a->stats_lock);
	init_waitqueue_head(&a->idle);
	timer_setup(&a->poll, sample_poll, 0);
	timer_setup(&a->watchdog, sample_watchdog, 0);

	/* What NDIS does before MiniportInitializeEx, then its allocations. */
	if (NtwqNdisInitializeAdapter(sample_miniport, a, &a->adapter) != NDIS_STATUS_SUCCESS)
		goto out_free_netdev;
	a->link_item = NdisAllocateIoWorkItem(a->adapter);
	a->stats_item = NdisAllocateIoWorkItem(a->adapter);
	a->reset_item = NdisAllocateIoWorkItem(a->adapter);
	if (!a->link_item || !a->stats_item || !a->reset_item)
		goto out_halt;

	netif_carrier_off(dev); /* until the link work item says otherwise */
	err = register_netdev(dev);
	if (err)
		goto out_halt;
	sample_dev = dev;
	netdev_info(dev, "NDIS-style adapter of ntwq_sample_ndis\n");
	return 0;

out_halt:
	sample_halt(a);
	NtwqNdisHaltAdapter(a->adapter);
out_free_netdev:
	free_netdev(dev);
out_deregister:
	NdisMDeregisterMiniportDriver(sample_miniport);
	return err;
}

static void __exit sample_exit(void)
{
	struct net_device *dev = sample_dev;
	struct sample_adapter *a = netdev_priv(dev);

	/* No more work requests: reset writes, the watchdog, xmit, the poll. */
	WRITE_ONCE(a->stopping, true);
	timer_delete_sync(&a->watchdog);
	rtnl_lock();
	dev_close(dev);
	rtnl_unlock();
	/* NDIS calls MiniportHaltEx, then releases the adapter. */
	sample_halt(a);
	NtwqNdisHaltAdapter(a->adapter);
	unregister_netdev(dev);
	free_netdev(dev);
	NdisMDeregisterMiniportDriver(sample_miniport);
}

module_init(sample_init);
module_exit(sample_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ntwq sample: an NDIS-style miniport with a real network interface");
