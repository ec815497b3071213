// SPDX-License-Identifier: GPL-2.0
/*
 * cvol: thin copy-on-write block volumes served by a userspace daemon.
 */
#include <linux/module.h>

static int __init cvol_init(void)
{
	return 0;
}

static void __exit cvol_exit(void)
{
}

module_init(cvol_init);
module_exit(cvol_exit);
MODULE_DESCRIPTION("cvol: copy-on-write block volumes");
MODULE_LICENSE("GPL");
