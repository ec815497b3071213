// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Store driver registry: the one place that knows which drivers exist.
 * A new driver adds one extern and one line in cvol_store_table[].
 * Programs that bring a driver of their own (the tests' in-memory store)
 * add it at run time with cvol_store_register().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/err.h"
#include "store/store-driver.h"

extern const struct cvol_store_ops cvol_store_file_ops;
#ifdef CVOL_HAVE_RADOS
extern const struct cvol_store_ops cvol_store_rados_ops;
#endif

/*
 * The built-in drivers first; the free slots after them take the drivers
 * that cvol_store_register() adds, and the last slot always stays NULL to
 * end the table.  Written only before any store is opened.
 */
static const struct cvol_store_ops *cvol_store_table[8] = {
	&cvol_store_file_ops,
#ifdef CVOL_HAVE_RADOS
	&cvol_store_rados_ops,
#endif
};

const struct cvol_store_ops *cvol_store_find(const char *name)
{
	const struct cvol_store_ops *const *p;

	for (p = cvol_store_table; *p; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

bool cvol_store_known(const char *name)
{
	return name && cvol_store_find(name);
}

const char *cvol_store_names(char *buf, size_t len)
{
	const struct cvol_store_ops *const *p;
	size_t n = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (p = cvol_store_table; *p && n < len; p++)
		n += snprintf(buf + n, len - n, "%s%s",
			      p == cvol_store_table ? "" : ", ", (*p)->name);
	return buf;
}

int cvol_store_register(const struct cvol_store_ops *ops)
{
	size_t i, n = sizeof(cvol_store_table) / sizeof(cvol_store_table[0]);

	if (cvol_store_find(ops->name))
		return cvol_seterr(-EEXIST, "store driver '%s' exists",
				   ops->name);
	for (i = 0; i + 1 < n; i++) {
		if (!cvol_store_table[i]) {
			cvol_store_table[i] = ops;
			return 0;
		}
	}
	return cvol_seterr(-ENOSPC, "no room to register store driver '%s'",
			   ops->name);
}

int cvol_store_open(const struct cvol_store_conf *conf, struct cvol_store **out)
{
	const char *drv = conf->driver ? conf->driver : "file";
	const struct cvol_store_ops *ops = cvol_store_find(drv);
	struct cvol_store *st;
	char names[128];
	int ret;

	if (!ops)
		return cvol_seterr(-ENOENT,
				   "unknown store driver '%s' (built: %s)", drv,
				   cvol_store_names(names, sizeof(names)));
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
