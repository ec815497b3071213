#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Memory pressure: ext4 on a cvol device, in a guest left with 512 MiB of
# memory beside the store (a hog locks the rest, and is never the OOM
# killer's choice) while a second hog keeps allocating, with a high
# dirty_ratio: four passes, each writing a file of that size with new
# data, write four times that memory through cvold's writeback.  No hung
# task (the lane fails on any in the kernel log), cvold is not killed and
# keeps its pid, the file reads back exactly as the last pass wrote it
# once the page cache is dropped, and fsck is clean.
#
# The file store is on a tmpfs, so the memory it holds is counted apart
# and not reclaimable: what is left for cvold, the page cache and the
# hogs is CVOL_PRESSURE_MIB (512); CVOL_PRESSURE_PASSES (4) passes.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

# Under KASAN and lockdep it takes several times as long as in the guest
# lane, more than the debug lane's share of the CI budget: there it runs
# on request.
[ "$CVOL_LANE" != debug ] || [ "${CVOL_PRESSURE_DEBUG:-0}" = 1 ] ||
	cvol_skip "in the debug lane only with CVOL_PRESSURE_DEBUG=1 (the guest lane runs it)"
cvol_need_daemon
cvol_need_cmd mkfs.ext4 fsck.ext4 cmp
hog=$CVOL_BUILD/tests/pressure/hog
[ -x "$hog" ] || cvol_fail "$hog is not built (make tests)"
left=${CVOL_PRESSURE_MIB:-512}
passes=${CVOL_PRESSURE_PASSES:-4}
modprobe ext4 2>/dev/null

CVOL_STORE_ROOT=$CVOL_TMP/storefs
mkdir -p "$CVOL_STORE_ROOT"
mount -t tmpfs -o size=$((left + 256))m tmpfs "$CVOL_STORE_ROOT" ||
	cvol_fail "mount of the store's tmpfs failed"
cvol_at_exit "umount $CVOL_STORE_ROOT 2>/dev/null; :"
cvol_start_daemon
pid=$CVOL_DAEMON_PID
cvol_create big $(((left + 128) << 20)) 22
dev=$(cvol_attach big)
cvol_detach_at_exit "$dev"
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$dev" ||
	cvol_fail "mkfs.ext4 on $dev failed"
mnt=$CVOL_TMP/mnt
mkdir -p "$mnt"
mount "$dev" "$mnt" || cvol_fail "mount $dev failed"
cvol_at_exit "umount $mnt 2>/dev/null; :"
# the store's share of memory: what one file of the test will occupy
"$hog" gen 0 "$left" >"$mnt/f" || cvol_fail "writing the first file failed"
sync -f "$mnt" || cvol_fail "syncfs of $mnt failed"

old_dirty=$(cat /proc/sys/vm/dirty_ratio)
old_bg=$(cat /proc/sys/vm/dirty_background_ratio)
cvol_at_exit "echo $old_dirty >/proc/sys/vm/dirty_ratio; echo $old_bg >/proc/sys/vm/dirty_background_ratio"
echo 80 >/proc/sys/vm/dirty_ratio
echo 60 >/proc/sys/vm/dirty_background_ratio

# leave $left MiB: lock the rest of what is available now
echo 3 >/proc/sys/vm/drop_caches
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
lock=$((avail - left))
[ "$lock" -gt 0 ] || cvol_skip "only $avail MiB available, less than $left"
"$hog" lock "$lock" >"$CVOL_TMP/lock.out" 2>&1 &
lock_pid=$!
cvol_at_exit "kill $lock_pid 2>/dev/null; :"
echo -1000 >/proc/$lock_pid/oom_score_adj
for _ in $(seq 600); do
	grep -q locked "$CVOL_TMP/lock.out" && break
	kill -0 "$lock_pid" 2>/dev/null ||
		cvol_fail "the locking hog died: $(cat "$CVOL_TMP/lock.out")"
	sleep 0.5
done
grep -q locked "$CVOL_TMP/lock.out" || cvol_fail "the hog did not lock $lock MiB"
# the churning hog is restarted when the OOM killer takes it
(
	while :; do "$hog" churn $((left / 4)); sleep 0.2; done
) >/dev/null 2>&1 &
churn_pid=$!
cvol_at_exit "kill $churn_pid 2>/dev/null; pkill -P $churn_pid 2>/dev/null; :"
echo "available $avail MiB, locked $lock MiB, churning $((left / 4)) MiB"

t0=$(date +%s)
for i in $(seq "$passes"); do
	"$hog" gen "$i" "$left" >"$mnt/f" ||
		cvol_fail "pass $i: writing the file failed"
	sync "$mnt/f" ||
		cvol_fail "pass $i: fsync failed"
	kill -0 "$pid" 2>/dev/null || cvol_fail "cvold died in pass $i"
	echo "pass $i: $left MiB written, $(($(date +%s) - t0)) s"
done
# the last pass's data, read back from the device under the same pressure
echo 3 >/proc/sys/vm/drop_caches
"$hog" gen "$passes" "$left" | cmp - "$mnt/f" ||
	cvol_fail "the file does not read back as pass $passes wrote it"
kill "$churn_pid" 2>/dev/null
pkill -P "$churn_pid" 2>/dev/null
kill "$lock_pid" 2>/dev/null
wait "$lock_pid" "$churn_pid" 2>/dev/null

kill -0 "$pid" 2>/dev/null || cvol_fail "cvold (pid $pid) is gone"
killed=$(dmesg | grep "Killed process" | grep -v "(hog)")
[ -z "$killed" ] || cvol_fail "the OOM killer took another process: $killed"
kills=$(dmesg | grep -c "Killed process")

umount "$mnt" || cvol_fail "umount $mnt failed"
fsck.ext4 -fn "$dev" >"$CVOL_TMP/fsck" 2>&1 ||
	cvol_fail "fsck after the pressure: $(tail -n 3 "$CVOL_TMP/fsck")"
cvol_detach "$dev"
echo "ok: $((left * passes)) MiB written with $left MiB left in $(($(date +%s) - t0)) s, $kills OOM kills (only hogs), data exact, fsck clean"
