// SPDX-License-Identifier: GPL-2.0
/*
 * events COUNT TIMEOUT_MS - subscribe to cvol.ko's events with libcvolctl,
 * print "ready", then one line per event ("added N pool/vol[@snap]",
 * "removed N", ...) until COUNT events or TIMEOUT_MS without one.
 * Exit 0 after COUNT events, 1 on error or timeout.
 */
#include <stdio.h>
#include <stdlib.h>

#include <cvol/ctl.h>

static const char *const names[] = {
	[CVOL_CTL_EVT_ADDED] = "added",
	[CVOL_CTL_EVT_REMOVED] = "removed",
	[CVOL_CTL_EVT_DAEMON_LOST] = "daemon-lost",
	[CVOL_CTL_EVT_RECOVERED] = "recovered",
	[CVOL_CTL_EVT_RESIZED] = "resized",
};

int main(int argc, char **argv)
{
	struct cvol_ctl_event ev;
	struct cvol_ctl *ctl;
	int count, timeout, ret;

	if (argc != 3)
		return 2;
	count = atoi(argv[1]);
	timeout = atoi(argv[2]);
	ret = cvol_ctl_open(NULL, &ctl);
	if (!ret)
		ret = cvol_ctl_events_subscribe(ctl);
	if (ret < 0) {
		printf("error: %s\n", cvol_ctl_error());
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (count > 0) {
		ret = cvol_ctl_event_next(ctl, timeout, &ev);
		if (ret <= 0) {
			printf("%s\n", ret ? cvol_ctl_error() : "timeout");
			cvol_ctl_close(ctl);
			return 1;
		}
		if (ev.type == CVOL_CTL_EVT_ADDED)
			printf("added %u %s/%s%s%s\n", ev.dev_id, ev.pool,
			       ev.vol, *ev.snap ? "@" : "", ev.snap);
		else
			printf("%s %u\n", names[ev.type], ev.dev_id);
		fflush(stdout);
		count--;
	}
	cvol_ctl_close(ctl);
	return 0;
}
