// SPDX-License-Identifier: GPL-2.0
/*
 * reconf DEV_ID size|ro|timeout VALUE - cvol_ctl_dev_reconfigure() one
 * field of a device; prints "ok" or "error ERRNO: MESSAGE" (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvol/ctl.h>

int main(int argc, char **argv)
{
	struct cvol_ctl_reconf rc = { 0 };
	struct cvol_ctl *ctl;
	unsigned long long v;
	int ret;

	if (argc != 4)
		return 2;
	v = strtoull(argv[3], NULL, 0);
	if (!strcmp(argv[2], "size")) {
		rc.mask = CVOL_CTL_RECONF_SIZE;
		rc.size = v;
	} else if (!strcmp(argv[2], "ro")) {
		rc.mask = CVOL_CTL_RECONF_RO;
		rc.ro = v;
	} else if (!strcmp(argv[2], "timeout")) {
		rc.mask = CVOL_CTL_RECONF_TIMEOUT;
		rc.timeout = (unsigned int)v;
	}
	ret = cvol_ctl_open(NULL, &ctl);
	if (!ret)
		ret = cvol_ctl_dev_reconfigure(ctl, (uint32_t)atoi(argv[1]),
					       &rc);
	if (ret)
		printf("error %d: %s\n", -ret, cvol_ctl_error());
	else
		printf("ok\n");
	cvol_ctl_close(ctl);
	return ret ? 1 : 0;
}
