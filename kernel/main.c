// SPDX-License-Identifier: GPL-2.0
/*
 * cvol: thin copy-on-write block volumes served by a userspace daemon.
 *
 * Module init/exit and global limits.  See Documentation/architecture.md.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <net/genetlink.h>

#include "cvol.h"

unsigned int cvol_max_devices = 256;
module_param_named(max_devices, cvol_max_devices, uint, 0444);
MODULE_PARM_DESC(max_devices,
		 "Most /dev/cvolN devices at once (1..65536). Default: 256");

unsigned int cvol_max_queues = 16;
module_param_named(max_queues, cvol_max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Most hardware queues per device (1..256). Default: 16");

static int __init cvol_init(void)
{
	int ret;

	if (!cvol_max_devices || cvol_max_devices > 65536 ||
	    !cvol_max_queues || cvol_max_queues > 256) {
		pr_err("cvol: max_devices must be 1..65536, max_queues 1..256\n");
		return -EINVAL;
	}
	ret = cvol_dev_init();
	if (ret)
		return ret;
	ret = cvol_ctl_init();
	if (ret)
		goto err_dev;
	ret = cvol_genl_init();
	if (ret)
		goto err_ctl;
	cvol_kunit_run();
	return 0;

err_ctl:
	cvol_ctl_exit();
err_dev:
	cvol_dev_exit();
	return ret;
}

static void __exit cvol_exit(void)
{
	cvol_kunit_exit();
	cvol_genl_exit();
	cvol_dev_remove_all();
	cvol_ctl_exit();
	cvol_dev_exit();
}

module_init(cvol_init);
module_exit(cvol_exit);
MODULE_DESCRIPTION("cvol: copy-on-write block volumes served by cvold");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(CVOL_GENL_NAME);
