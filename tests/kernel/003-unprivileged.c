// SPDX-License-Identifier: GPL-2.0
/*
 * A non-root user (uid/gid 65534, no capabilities) is refused every
 * mutating genl command with EPERM and cannot open /dev/cvol-control
 * (EACCES from the 0600 node, EPERM from the driver itself when the node
 * is opened by a process that can reach it); read-only commands work.
 */
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nl.h"

int main(void)
{
	struct t_reply r;
	int fd;

	if (geteuid()) {
		printf("SKIP: needs root to drop to nobody\n");
		return 4;
	}
	if (access("/sys/module/cvol", F_OK) &&
	    system("insmod \"${CVOL_MODULE:-$CVOL_TOP/kernel/cvol.ko}\"")) {
		printf("FAIL: cannot load cvol.ko\n");
		return 1;
	}
	/* make the node world-accessible so the driver's own check runs */
	if (chmod("/dev/" CVOL_CONTROL_NAME, 0666)) {
		printf("FAIL: chmod: %s\n", strerror(errno));
		return 1;
	}
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		printf("FAIL: cannot drop privileges: %s\n", strerror(errno));
		return 1;
	}
	fd = open("/dev/" CVOL_CONTROL_NAME, O_RDWR);
	T_EXPECT(fd < 0 && errno == EPERM, "open control as nobody: %s",
		 fd < 0 ? strerror(errno) : "succeeded");
	if (t_nl_open()) {
		printf("FAIL: cvol genl family not found\n");
		return 1;
	}
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, T_END);
	T_EXPECT_ERR("add as nobody", r, -EPERM);
	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U32(CVOL_ATTR_DEV_ID, 0), T_END);
	T_EXPECT_ERR("remove as nobody", r, -EPERM);
	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, 0),
	      A_U32(CVOL_ATTR_TIMEOUT, 1), T_END);
	T_EXPECT_ERR("reconfigure as nobody", r, -EPERM);
	t_req(CVOL_CMD_GET_FEATURES, &r, T_END);
	T_EXPECT_ERR("get features as nobody", r, 0);
	t_req(CVOL_CMD_DEV_GET, &r, A_U32(CVOL_ATTR_DEV_ID, 4000), T_END);
	T_EXPECT_ERR("get of a missing device as nobody", r, -ENOENT);
	if (t_failed) {
		printf("FAIL: %d checks failed\n", t_failed);
		return 1;
	}
	printf("ok: unprivileged users refused\n");
	return 0;
}
