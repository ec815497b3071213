#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A queue thread logs its first 10 I/O errors and then says, once, that it
# logs no more (daemon review F16: it fell silent).  A fenced device (see
# 010: adopted on another store root whose pool has a volume of the same
# name) fails every request with EIO; 30 reads of one request each are
# spread over the two queues, so one queue thread at least sees more than
# 10 errors.
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

cvol_need_daemon
cvol_need_cmd timeout
root=$CVOL_STORE_ROOT
root2=$CVOL_TMP/store2
log=$CVOL_TMP/cvold.log

CVOL_STORE_ROOT=$root2
cvol_start_daemon
cvol_create a $((16 << 20)) 16
cvol_stop_daemon || cvol_fail "cvold on $root2 did not stop cleanly"

CVOL_STORE_ROOT=$root
cvol_start_daemon
cvol_create a $((16 << 20)) 16
dev=$(cvol_attach a)
name=${dev#/dev/}
cvol_detach_at_exit "$dev"
cvol_kill_daemon
CVOL_STORE_ROOT=$root2
: >"$log"
cvol_start_daemon
grep -q "$name: fenced" "$log" ||
	cvol_fail "$name was not fenced: $(tail -n 5 "$log")"

for i in $(seq 0 29); do
	timeout 60 dd if="$dev" of=/dev/null bs=4k count=1 skip=$((i * 16)) \
		iflag=direct status=none 2>/dev/null &&
		cvol_fail "read $i of the fenced $name succeeded"
done

# the error lines, whatever their format, and the "no more" lines
errs=$(grep -cE "$name \(default/a\): (op [0-9]+|queue [01]: read) at [0-9]+\+[0-9]+: not served" "$log")
more=$(grep -c "$name (default/a): queue [01]: more I/O errors: not logging them (10 logged)" "$log")
echo "$errs I/O errors logged, $more \"not logging them\" lines"
[ "$errs" -ge 10 ] && [ "$errs" -le 20 ] ||
	cvol_fail "$errs I/O errors logged for 30 failed reads on 2 queues, want 10 to 20"
[ "$more" -ge 1 ] ||
	cvol_fail "cvold did not say that it logs no more I/O errors: $(tail -n 3 "$log")"
for q in 0 1; do
	n=$(grep -c "$name (default/a): queue $q: read at " "$log")
	m=$(grep -c "$name (default/a): queue $q: more I/O errors" "$log")
	echo "queue $q: $n errors logged, $m \"not logging them\" lines"
	[ "$m" -le 1 ] || cvol_fail "queue $q said $m times that it logs no more"
	[ "$m" -eq 0 ] || [ "$n" -eq 10 ] ||
		cvol_fail "queue $q stopped logging after $n errors, want 10"
done
cvol_detach "$dev"
echo "ok: $errs I/O errors logged, then once per queue that no more are"
