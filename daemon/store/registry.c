// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Store driver registry: the one place that knows which drivers exist.
 * A new driver adds one extern and one line in cvol_store_table[].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "store.h"

extern const struct cvol_store_ops cvol_store_file_ops;
extern const struct cvol_store_ops cvol_store_mem_ops;
#ifdef CVOL_HAVE_RADOS
extern const struct cvol_store_ops cvol_store_rados_ops;
#endif

static const struct cvol_store_ops *const cvol_store_table[] = {
	&cvol_store_file_ops,
	&cvol_store_mem_ops,
#ifdef CVOL_HAVE_RADOS
	&cvol_store_rados_ops,
#endif
	NULL,
};

const struct cvol_store_ops *cvol_store_find(const char *name)
{
	const struct cvol_store_ops *const *p;

	for (p = cvol_store_table; *p; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

const struct cvol_store_ops *const *cvol_store_drivers(void)
{
	return cvol_store_table;
}

int cvol_store_open(const struct cvol_store_conf *conf,
		    struct cvol_store **out)
{
	const char *drv = conf->driver ? conf->driver : "file";
	const struct cvol_store_ops *ops = cvol_store_find(drv);
	struct cvol_store *st;
	int ret;

	if (!ops)
		return cvol_seterr(-ENOENT, "unknown store driver '%s'", drv);
	st = calloc(1, sizeof(*st));
	if (!st)
		return cvol_seterr(-ENOMEM, "out of memory opening store");
	st->ops = ops;
	snprintf(st->conf_pool, sizeof(st->conf_pool), "%s",
		 conf->pool ? conf->pool : "default");
	ret = ops->open(conf, &st->priv);
	if (ret < 0) {
		free(st);
		return ret;
	}
	*out = st;
	return 0;
}

void cvol_store_close(struct cvol_store *st)
{
	if (!st)
		return;
	st->ops->close(st->priv);
	free(st);
}
