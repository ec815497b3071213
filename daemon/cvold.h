/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between cvold's core (devices, pools: dev.c, main.c) and its
 * control socket (ctlsock.c): the only cvold header ctlsock.c includes.
 *
 * All functions are thread-safe.  They return 0 or -errno and set
 * cvol_errmsg() (err.h) on failure.
 */
#ifndef CVOLD_H
#define CVOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"

struct cvold; /* the daemon: pools, devices, control socket */

/**
 * cvold_pool() - the open pool named @pool, opened on first use and cached
 * Return: the pool, or NULL with cvol_errmsg() set ("no pool ..." when it
 * was never created or configured: nothing is created for it).
 */
struct cvol_pool *cvold_pool(struct cvold *d, const char *pool);

/**
 * cvold_pool_create() - create the file pool @pool under the store root
 * and open it.  Return: 0; -EEXIST when it exists (or is configured);
 * -errno with cvol_errmsg() set.
 */
int cvold_pool_create(struct cvold *d, const char *pool);

/**
 * cvold_attach() - expose @pool/@vol[@snap] as /dev/cvolN
 * @ro: read-only device (always for a snapshot)
 * @dev_id: out: N
 *
 * Idempotent: attaching an attached volume with the same @ro returns its
 * device id; with the other one it fails with -EBUSY ("volume 'V' is
 * attached read-write as /dev/cvolN: detach it to attach it read-only").
 * Fails
 * with -ENODEV and "cvol kernel module not loaded (modprobe cvol)" when
 * cvol.ko is not loaded.
 */
int cvold_attach(struct cvold *d, const char *pool, const char *vol,
		 const char *snap, bool ro, uint32_t *dev_id);

/**
 * cvold_detach() - remove /dev/cvol@dev_id and close its volume
 * @force: remove even while the block device is open
 *
 * -EBUSY while open unless @force; -ENOENT if no such device.
 */
int cvold_detach(struct cvold *d, uint32_t dev_id, bool force);

/**
 * struct cvold_dev_info - one attached device, for dev.list
 */
struct cvold_dev_info {
	uint32_t dev_id;
	char pool[CVOL_NAME_MAX + 1];
	char vol[CVOL_NAME_MAX + 1];
	char snap[CVOL_NAME_MAX + 1]; /* "" for a head */
	bool ro;
	uint64_t size; /* bytes */
	unsigned int state; /* enum cvol_state */
	char error[640]; /* why the device is not served, "" if it is */
	char failed[256]; /* why its volume is in fail mode, "" if it is not */
};

typedef int (*cvold_dev_cb)(void *arg, const struct cvold_dev_info *info);

/**
 * cvold_dev_list() - call @cb for every device this daemon serves
 * Stops and returns the first non-zero value @cb returns.
 */
int cvold_dev_list(struct cvold *d, cvold_dev_cb cb, void *arg);

/**
 * cvold_unadopted_list() - call @cb for every device a previous cvold
 * left that this one could not adopt and that is still there
 * @info->error says why; @info->state is the kernel's (RECOVERING while
 * nothing serves it).  A device detached since is no longer listed.
 * Stops and returns the first non-zero value @cb returns.
 */
int cvold_unadopted_list(struct cvold *d, cvold_dev_cb cb, void *arg);

/*
 * cvold_wait_adopted() - return once the devices a previous cvold left
 * are adopted (or could not be); cvold_adopting() - are they not yet?
 */
void cvold_wait_adopted(struct cvold *d);
bool cvold_adopting(struct cvold *d);

/**
 * cvold_pool_list() - call @cb with the name of every pool the daemon
 * knows: "default", each pool directory under the store root and each pool
 * of the configuration file (a name may come more than once)
 */
int cvold_pool_list(struct cvold *d, cvol_name_cb cb, void *arg);

/**
 * cvold_ctl_prepare() - who may use the socket, and its directory
 * @sock_path: the unix socket path cvold_ctl_start() will serve
 * @read_group: a group (name or number) whose members may run the
 *	read-only operations; NULL: none, only root may use the socket
 *
 * Creates the socket's directory as cvold_ctl_start() wants it (0700, or
 * 0750 and group @read_group; parents 0755), sets an existing one of
 * cvold's that gives others nothing to that, and refuses a symlink or a
 * directory another user owns or others may write.  Call it before taking
 * anything in that directory and before cvold_ctl_start(); without it,
 * only root may use the socket.
 */
int cvold_ctl_prepare(const char *sock_path, const char *read_group);

/**
 * cvold_ctl_start() - serve the volume-operation socket (ctlsock.c)
 * @sock_path: unix socket path; created 0600 (0660 and the read group's
 *	with one), replacing a stale one, in a directory as
 *	cvold_ctl_prepare() makes it
 *
 * Serves in its own thread; returns once the socket listens.  Each
 * connection may run what its peer's credentials allow: root everything,
 * the read group the read-only operations, anyone else nothing.
 */
int cvold_ctl_start(struct cvold *d, const char *sock_path);

/** cvold_ctl_stop() - stop serving the socket and remove it (ctlsock.c) */
void cvold_ctl_stop(struct cvold *d);

#endif /* CVOLD_H */
