// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of the RADOS lane (not a test by itself): open a rados store and
 * print "ret=<errno> msg=<message>" so that shell tests can check the
 * exact error of a failed open.
 *
 *   open-errors CONF POOL [CLIENT [TIMEOUT]]
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/err.h"
#include "store/store.h"

int main(int argc, char **argv)
{
	struct cvol_store_conf conf = {
		.driver = "rados",
		.pool = "errors",
	};
	struct cvol_store *st = NULL;
	int ret;

	if (argc < 3) {
		fprintf(stderr,
			"usage: open-errors CONF POOL [CLIENT [TIMEOUT]]\n");
		return 2;
	}
	conf.ceph_conf = argv[1];
	conf.ceph_pool = argv[2];
	if (argc > 3)
		conf.ceph_client = argv[3];
	if (argc > 4)
		conf.connect_timeout = (unsigned int)atoi(argv[4]);
	ret = cvol_store_open(&conf, &st);
	printf("ret=%d msg=%s\n", ret, ret ? cvol_errmsg() : "");
	if (!ret)
		cvol_store_close(st);
	return 0;
}
