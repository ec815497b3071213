/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cvold private declarations: the daemon object, its devices and queue
 * threads, and the generic netlink client.  ctlsock.c does not include it:
 * it sees the daemon only through cvold.h.
 */
#ifndef CVOLD_INT_H
#define CVOLD_INT_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/cvol.h>

#include "config.h"
#include "cvold.h"
#include "log.h"

#define CVOLD_QUEUES		2	/* hardware queues per device */
#define CVOLD_DEPTH		64	/* requests per queue */


struct cvold_dev;

/**
 * struct cvold_queue - one served hardware queue
 * @dev: owning device
 * @index: queue number
 * @fd: bound /dev/cvol-control descriptor, -1 if none
 * @area: the mmapped queue area
 * @bind: what CVOL_IOC_BIND returned
 * @nr: entries of @ready and @done: @bind.nr_desc of the first bind
 * @ready: descriptor indices a fetch returns
 * @done: completions of the batch served, committed by the next fetch
 *	(@ready and @done are allocated and faulted in before the thread
 *	starts, and kept across rebinds: the I/O loop allocates nothing)
 * @errors: I/O errors the thread met (the first few are logged)
 * @thread: the serving thread
 * @started: @thread exists and must be joined
 * @gave_up: set (__atomic, release) once the thread stopped serving for
 *	good, with the queue unbound; @why then says why
 */
struct cvold_queue {
	struct cvold_dev *dev;
	unsigned int index;
	int fd;
	void *area;
	struct cvol_bind bind;
	uint32_t nr;
	uint32_t *ready;
	struct cvol_done *done;
	unsigned int errors;
	pthread_t thread;
	bool started;
	int gave_up;
	char why[320];
};

/**
 * struct cvold_dev - one /dev/cvolN this daemon serves
 * @d: the daemon
 * @info: identity reported by dev.list
 * @vol: the open engine volume; NULL while the device is fenced: the
 *	volume its names resolve to is not the one it was attached to
 *	(@info.error says why), and every request fails with -EIO
 * @nr_queues: entries in @q
 * @stop: set when the queue threads must leave (SIGTERM or detach)
 * @next: in cvold.devs
 * @q: the queues
 */
struct cvold_dev {
	struct cvold *d;
	struct cvold_dev_info info;
	struct cvol_vol *vol;
	unsigned int nr_queues;
	volatile sig_atomic_t stop;
	/* its volume's fail mode was logged (__atomic, set once) */
	int fail_logged;
	struct cvold_dev *next;
	struct cvold_queue q[CVOLD_QUEUES];
};

struct cvold_pool_ent {
	char name[CVOL_NAME_MAX + 1];
	struct cvol_pool *pool;
	struct cvold_pool_ent *next;
};

/**
 * struct cvold - the daemon
 * @store_root: directory holding one directory per pool
 * @lock: protects @pools and @devs (and each device's @vol while listed)
 * @pools: open pools
 * @devs: served devices
 * @ctl: control socket state (ctlsock.c)
 */
struct cvold {
	const char *store_root;
	pthread_mutex_t lock;
	struct cvold_pool_ent *pools;
	struct cvold_dev *devs;
	/* devices left by a previous cvold that could not be adopted, and
	 * why (under @lock) */
	struct cvold_unadopted *unadopted;
	void *ctl;
	/* --config FILE: pools beyond the store root; SIGHUP replaces it */
	struct cvol_config *config;
	/*
	 * @adopting: the devices a previous cvold left are being adopted;
	 * requests other than "status" wait for the end (@adopt_cond).
	 * @adopt_mu protects @adopting.
	 */
	pthread_mutex_t adopt_mu;
	pthread_cond_t adopt_cond;
	bool adopting;
	/*
	 * Configurations SIGHUP replaced (@config changes under @lock):
	 * kept to the end, since open pools may point into them.
	 */
	struct cvol_config **retired;
	size_t nretired;
};

/**
 * struct cvold_unadopted - a device adoption failed for
 * @info: its names, as the kernel has them, and in @info.error why
 * @next: the next one
 */
struct cvold_unadopted {
	struct cvold_dev_info info;
	struct cvold_unadopted *next;
};

/* queue.c */
int cvold_queue_start(struct cvold_queue *q);
void cvold_queue_stop(struct cvold_dev *dev);

/* dev.c */
int cvold_adopt(struct cvold *d);
void cvold_shutdown(struct cvold *d);

/* genl.c */
struct cvold_nl_dev {
	uint32_t id;
	uint64_t size;
	uint32_t lbs;
	uint8_t order;
	uint16_t nr_queues;
	uint16_t depth;
	uint32_t flags;
	uint8_t state;
	char pool[CVOL_NAME_LEN + 1];
	char vol[CVOL_NAME_LEN + 1];
	char snap[CVOL_NAME_LEN + 1];
	char identity[CVOL_IDENTITY_LEN + 1]; /* "" if the kernel has none */
};

int cvold_nl_dev_add(struct cvold_nl_dev *dev);
int cvold_nl_dev_remove(uint32_t id, bool force);
int cvold_nl_dev_get(uint32_t id, struct cvold_nl_dev *dev);
int cvold_nl_dev_dump(int (*cb)(void *arg, const struct cvold_nl_dev *dev),
		      void *arg);

#endif /* CVOLD_INT_H */
