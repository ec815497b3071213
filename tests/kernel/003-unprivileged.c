// SPDX-License-Identifier: GPL-2.0
/*
 * Who may do what:
 * - a non-root user (uid/gid 65534, no capabilities) is refused every
 *   mutating genl command with EPERM and cannot open /dev/cvol-control
 *   (EPERM from the driver itself, the node made world-accessible for the
 *   duration); read-only commands work;
 * - one capability for everything that changes devices (kernel review
 *   D5): root with only CAP_SYS_ADMIN opens the control node and passes
 *   the genl permission check of every mutating command;
 * - root with only CAP_NET_ADMIN (what GENL_ADMIN_PERM would ask) is
 *   refused both: EPERM with "CAP_SYS_ADMIN required".
 * Each case runs in a child; the parent restores the node's mode 0600.
 */
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "nl.h"

#define CONTROL "/dev/" CVOL_CONTROL_NAME

/*
 * keep uid 0 but hold exactly @caps (effective and permitted).
 * Return: 0, or 1 (the exit status) after saying why not
 */
static int hold_only(uint64_t caps)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {
		{ .effective = (uint32_t)caps, .permitted = (uint32_t)caps },
		{ .effective = caps >> 32, .permitted = caps >> 32 },
	};

	if (!syscall(SYS_capset, &h, d))
		return 0;
	printf("FAIL: capset: %s\n", strerror(errno));
	return 1;
}

static int nobody(void)
{
	struct t_reply r;
	int fd;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		printf("FAIL: cannot drop privileges: %s\n", strerror(errno));
		return 1;
	}
	fd = open(CONTROL, O_RDWR);
	T_EXPECT(fd < 0 && errno == EPERM, "open control as nobody: %s",
		 fd < 0 ? strerror(errno) : "succeeded");
	if (t_nl_need())
		return 1;
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
	return !!t_failed;
}

static int sys_admin_only(void)
{
	struct t_reply r;
	int fd;

	if (hold_only(1ULL << CAP_SYS_ADMIN))
		return 1;
	fd = open(CONTROL, O_RDWR);
	T_EXPECT(fd >= 0, "open control with CAP_SYS_ADMIN: %s",
		 strerror(errno));
	if (t_nl_need())
		return 1;
	/* past the permission check: the missing device is what fails */
	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, 4000),
	      A_U32(CVOL_ATTR_TIMEOUT, 1), T_END);
	T_EXPECT_ERR("reconfigure with CAP_SYS_ADMIN", r, -ENOENT);
	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U32(CVOL_ATTR_DEV_ID, 4000), T_END);
	T_EXPECT_ERR("remove with CAP_SYS_ADMIN", r, -ENOENT);
	return !!t_failed;
}

static int net_admin_only(void)
{
	struct t_reply r;
	int fd;

	if (hold_only(1ULL << CAP_NET_ADMIN))
		return 1;
	fd = open(CONTROL, O_RDWR);
	T_EXPECT(fd < 0 && errno == EPERM,
		 "open control with CAP_NET_ADMIN only: %s",
		 fd < 0 ? strerror(errno) : "succeeded");
	if (t_nl_need())
		return 1;
	t_req(CVOL_CMD_DEV_ADD, &r, A_VALID_ADD, T_END);
	T_EXPECT_ERR("add with CAP_NET_ADMIN only", r, -EPERM);
	T_EXPECT(strstr(r.msg, "CAP_SYS_ADMIN required"),
		 "add with CAP_NET_ADMIN only: message '%s'", r.msg);
	t_req(CVOL_CMD_DEV_RECONFIGURE, &r, A_U32(CVOL_ATTR_DEV_ID, 4000),
	      A_U32(CVOL_ATTR_TIMEOUT, 1), T_END);
	T_EXPECT_ERR("reconfigure with CAP_NET_ADMIN only", r, -EPERM);
	t_req(CVOL_CMD_DEV_REMOVE, &r, A_U32(CVOL_ATTR_DEV_ID, 4000), T_END);
	T_EXPECT_ERR("remove with CAP_NET_ADMIN only", r, -EPERM);
	return !!t_failed;
}

static int run(const char *what, int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("FAIL: fork: %s\n", strerror(errno));
		return 1;
	}
	if (!pid)
		_exit(fn());
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("FAIL: %s\n", what);
		return 1;
	}
	printf("ok: %s\n", what);
	return 0;
}

int main(void)
{
	int bad = 0, ret;

	ret = t_need_module();
	if (ret)
		return ret;
	/* world-accessible for a moment, so that the driver's check runs */
	if (chmod(CONTROL, 0666)) {
		printf("FAIL: chmod: %s\n", strerror(errno));
		return 1;
	}
	bad |= run("nobody is refused", nobody);
	if (chmod(CONTROL, 0600)) {
		printf("FAIL: chmod back to 0600: %s\n", strerror(errno));
		return 1;
	}
	bad |= run("CAP_SYS_ADMIN alone opens the node, changes devices",
		   sys_admin_only);
	bad |= run("CAP_NET_ADMIN alone is refused both", net_admin_only);
	return bad;
}
