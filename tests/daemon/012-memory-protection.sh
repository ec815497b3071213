#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cvold is safe to run in the block I/O path under memory pressure (daemon
# review F4): every thread, queue threads included, has PF_MEMALLOC_NOIO
# and PF_LOCAL_THROTTLE (prctl PR_SET_IO_FLUSHER, field 9 of
# /proc/PID/task/TID/stat), its memory is locked (VmLck > 0) and the OOM
# killer leaves it alone (oom_score_adj -1000); the log says so in one
# line.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

# include/linux/sched.h of Linux 6.1
PF_MEMALLOC_NOIO=$((0x00080000))
PF_LOCAL_THROTTLE=$((0x00100000))

cvol_need_daemon
cvol_start_daemon
cvol_create mp $((16 << 20)) 16
dev=$(cvol_attach mp)
cvol_detach_at_exit "$dev"
dd if=/dev/zero of="$dev" bs=64K count=4 oflag=direct status=none ||
	cvol_fail "write to $dev failed"

pid=$CVOL_DAEMON_PID
n=0
for stat in /proc/"$pid"/task/*/stat; do
	tid=${stat%/stat}
	tid=${tid##*/}
	# the fields after "(comm)", which may hold spaces: flags is field 9
	line=$(cat "$stat")
	read -r -a f <<<"${line##*) }"
	flags=${f[6]}
	printf 'thread %s (%s): flags 0x%08x\n' "$tid" \
		"$(cat "/proc/$pid/task/$tid/comm")" "$flags"
	[ $((flags & PF_MEMALLOC_NOIO)) -ne 0 ] ||
		cvol_fail "thread $tid of cvold lacks PF_MEMALLOC_NOIO"
	[ $((flags & PF_LOCAL_THROTTLE)) -ne 0 ] ||
		cvol_fail "thread $tid of cvold lacks PF_LOCAL_THROTTLE"
	n=$((n + 1))
done
# main, control socket and the device's two queue threads at least
[ "$n" -ge 4 ] || cvol_fail "cvold has $n threads, want at least 4"

lck=$(sed -n 's/^VmLck:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
echo "VmLck: $lck kB, VmRSS: $(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$pid/status")"
[ -n "$lck" ] && [ "$lck" -gt 0 ] || cvol_fail "cvold has no locked memory (VmLck '$lck')"
cvol_expect_eq "oom_score_adj of cvold" "$(cat "/proc/$pid/oom_score_adj")" -1000
grep "memory:" "$CVOL_TMP/cvold.log"
cvol_expect_contains "cvold's log" "$(cat "$CVOL_TMP/cvold.log")" \
	"memory: I/O flusher, locked (current and future, on fault), oom_score_adj -1000"
cvol_detach "$dev"
echo "ok: $n threads with PF_MEMALLOC_NOIO|PF_LOCAL_THROTTLE, $lck kB locked, oom_score_adj -1000"
