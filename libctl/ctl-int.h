/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libcvolctl internals shared by ctl.c and genl.c. */
#ifndef CVOL_CTL_INT_H
#define CVOL_CTL_INT_H

#include <json.h>
#include <sys/un.h>

#include <cvol/ctl.h>

#include "engine/names.h"

#define CTL_REPLY_MAX (16 << 20) /* longest reply line accepted */

struct nl_sock;

/**
 * struct cvol_ctl - a handle; used by one thread at a time, so no lock
 * @sock_path: cvold's socket
 * @fd: connection to cvold, -1 until the first volume operation
 * @rbuf, @rlen, @rcap: bytes received from cvold and not yet consumed
 * @nl: generic netlink socket, NULL until the first device query
 * @family: resolved id of the "cvol" family
 * @ev: multicast socket of cvol_ctl_events_subscribe(), NULL if none
 * @ev_pending, @ev_have: an event parsed by the receive callback
 * @progress, @progress_arg: cvol_ctl_set_progress()
 */
struct cvol_ctl {
	char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	char *rbuf;
	size_t rlen, rcap;
	struct nl_sock *nl;
	int family;
	struct nl_sock *ev;
	struct cvol_ctl_event ev_pending;
	bool ev_have;
	cvol_ctl_progress_cb progress;
	void *progress_arg;
};

int ctl_seterr(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ctl_call(struct cvol_ctl *ctl, const char *op, json_object *args,
	     json_object **reply);
void ctl_genl_close(struct cvol_ctl *ctl);

#endif /* CVOL_CTL_INT_H */
