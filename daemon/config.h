/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cvol configuration file (default none; cvold --config FILE): pools that
 * are not plain directories under the store root, e.g. RADOS pools.
 *
 *   # comment
 *   [pool ceph]
 *   driver = rados
 *   ceph_pool = cvol
 *   ceph_conf = /etc/ceph/ceph.conf
 *   ceph_client = client.cvol
 *   connect_timeout = 10
 *   op_timeout = 30
 *
 *   [pool fast]
 *   driver = file
 *   path = /srv/nvme/cvol
 *   meta_reserve = 16M
 *
 * Keys are the fields of struct cvol_store_conf (store.h).  A pool that is
 * not in the file is a file pool under the store root.  See
 * Documentation/rados.md.
 */
#ifndef CVOL_CONFIG_H
#define CVOL_CONFIG_H

#include "store/store.h"

struct cvol_config;

/**
 * cvol_config_load() - parse a configuration file
 * @path: file to read
 * @out: the parsed configuration, freed with cvol_config_free()
 *
 * Return: 0, -ENOENT/-EACCES when unreadable, -EINVAL on a syntax error,
 * an unknown key or a bad value (the message names file and line).
 */
int cvol_config_load(const char *path, struct cvol_config **out);

/**
 * cvol_config_pool() - the store configuration of pool @pool
 * @cfg: parsed configuration (NULL: none)
 * @pool: cvol pool name
 * @conf: filled in; its strings live as long as @cfg
 *
 * Return: 0, or -ENOENT when @pool is not configured (no message set).
 */
int cvol_config_pool(const struct cvol_config *cfg, const char *pool,
		     struct cvol_store_conf *conf);

/** cvol_config_pools() - call @cb with the name of every configured pool */
int cvol_config_pools(const struct cvol_config *cfg,
		      int (*cb)(void *arg, const char *pool), void *arg);

void cvol_config_free(struct cvol_config *cfg);

#endif /* CVOL_CONFIG_H */
