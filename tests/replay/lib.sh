# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The block-level crash replay lane: no model of a file system at all.
#
# replay_run FSTYPE: the file store's file system (FSTYPE: ext4 or xfs)
# lives on a dm-log-writes device, which logs every write the disk made
# durable and every flush.  Through cvol two volumes are written, in
# ROUNDS rounds:
#   raw  ackwrite's known workload: FUA writes (odd rounds) or writes and
#        a FLUSH (even rounds), 41 writes a round
#   fs   ext4 on the cvol device, one new file a round written and
#        fsync'd with its directory
# After each round's last acknowledgement the test puts a mark "rN" in
# the log.  Then it replays the log onto a fresh image up to each
# checkpoint (a crash state), and for each one mounts the store's file
# system, starts cvold on it and proves:
#   - `cvolctl pool check` finds no dangling reference, no bad checksum;
#   - the raw volume holds exactly what rounds 1..N wrote (at a mark) or,
#     between marks N and N+1, rounds 1..N's data with each sector either
#     that or one of round N+1's versions;
#   - ext4 on the fs volume mounts (journal recovery), files 1..N have
#     exactly their content, and after unmount fsck -fn is clean;
#   - `pool check --repair` then finds the pool clean: every object the
#     crash left unreferenced is removed, nothing else.
# Checkpoints: every mark and REPLAY_BETWEEN points halfway between
# marks; CVOL_REPLAY_ALL=1 adds every flush entry of the log (slow).
. "$CVOL_TOP/tests/common.sh"
. "$CVOL_TOP/tests/daemon/lib.sh"

# The debug lane's kernel is several times slower: there the lane proves
# the same properties on fewer crash states (2 marks, 1 point between).
if [ "$CVOL_LANE" = debug ]; then
	ROUNDS=${CVOL_REPLAY_ROUNDS:-2}
	REPLAY_BETWEEN=${CVOL_REPLAY_BETWEEN:-1}
else
	ROUNDS=${CVOL_REPLAY_ROUNDS:-4}
	REPLAY_BETWEEN=${CVOL_REPLAY_BETWEEN:-2}
fi
SEED=$$
FILE_SIZE=$((192 << 10))
# The guest runs no udev daemon, but a test before this one may have run
# one and left /run/udev behind: libdevmapper would then wait forever for
# udev to confirm each device node.  devtmpfs makes the nodes; no udev
# synchronisation, and every dmsetup call bounded in time.
export DM_DISABLE_UDEV=1
rl=$CVOL_BUILD/tests/replay/replay-log
aw=$CVOL_BUILD/tests/replay/ackwrite
ctl=$CVOL_BUILD/cvolctl

replay_need()
{
	cvol_need_daemon
	cvol_need_cmd dmsetup losetup mkfs.ext4 fsck.ext4 "mkfs.$1"
	[ -x "$rl" ] && [ -x "$aw" ] || cvol_skip "tests/replay tools not built (make tests)"
	[ -x "$ctl" ] || cvol_skip "cvolctl not built"
	modprobe dm-log-writes 2>/dev/null
	modprobe loop 2>/dev/null
	modprobe "$1" 2>/dev/null
	modprobe ext4 2>/dev/null
	replay_dm targets 2>/dev/null | grep -qw log-writes ||
		cvol_skip "dm-log-writes is not available in this kernel"
	grep -qw "$1" /proc/filesystems ||
		cvol_skip "this kernel has no $1 (the debug kernel leaves XFS out)"
}

# replay_dm ARG...: dmsetup without udev, at most 60 s
replay_dm()
{
	timeout -k 5 60 dmsetup --noudevsync "$@"
}

# replay_loop FILE: attach FILE to a free loop device, print its path
replay_loop()
{
	local d

	d=$(losetup -f --show "$1") || cvol_fail "losetup $1 failed"
	cvol_at_exit "losetup -d $d 2>/dev/null"
	printf '%s\n' "$d"
}

# replay_mkfs FSTYPE DEV
replay_mkfs()
{
	case $1 in
	xfs) mkfs.xfs -q -f -K "$2" ;;
	*) mkfs.ext4 -q -F -E nodiscard "$2" ;;
	esac || cvol_fail "mkfs.$1 $2 failed"
}

# replay_mark NAME: a mark in the log after everything acknowledged so far
replay_mark()
{
	replay_dm message cvol-rl 0 mark "$1" || cvol_fail "dmsetup mark $1 failed"
}

# replay_workload FSTYPE DATADEV LOGDEV
replay_workload()
{
	local fstype=$1 lw raw fs r

	lw="0 $(blockdev --getsz "$2") log-writes $2 $3"
	replay_dm create cvol-rl --table "$lw" ||
		cvol_fail "dmsetup create log-writes failed"
	cvol_at_exit "replay_dm remove cvol-rl 2>/dev/null"
	# devtmpfs has the node; /dev/mapper needs udev, which the guest lacks
	lw=/dev/dm-$(replay_dm info -c --noheadings -o minor cvol-rl | tr -d ' ')
	[ -b "$lw" ] || cvol_fail "no block device $lw for log-writes"
	replay_mkfs "$fstype" "$lw"
	mkdir -p "$CVOL_TMP/store"
	mount -t "$fstype" "$lw" "$CVOL_TMP/store" ||
		cvol_fail "mount the store's $fstype failed"
	cvol_at_exit "umount $CVOL_TMP/store 2>/dev/null"
	CVOL_STORE_ROOT=$CVOL_TMP/store/pools
	cvol_start_daemon
	cvol_create raw $((16 << 20)) 16
	cvol_create fs $((32 << 20)) 18
	raw=$(cvol_attach raw)
	cvol_detach_at_exit "$raw"
	fs=$(cvol_attach fs)
	cvol_detach_at_exit "$fs"
	mkfs.ext4 -q -F "$fs" || cvol_fail "mkfs.ext4 on $fs failed"
	mkdir -p "$CVOL_TMP/fs"
	mount "$fs" "$CVOL_TMP/fs" || cvol_fail "mount ext4 on $fs failed"
	cvol_at_exit "umount $CVOL_TMP/fs 2>/dev/null"
	sync
	replay_mark r0
	for r in $(seq "$ROUNDS"); do
		"$aw" write "$raw" "$SEED" "$r" >/dev/null ||
			cvol_fail "round $r: ackwrite write failed"
		"$aw" file "$CVOL_TMP/fs/f$r" "$SEED" "$r" "$FILE_SIZE" ||
			cvol_fail "round $r: writing f$r failed"
		replay_mark "r$r"
	done
	# what the device holds now is the last round's state
	"$aw" verify "$raw" "$SEED" "$ROUNDS" >/dev/null ||
		cvol_fail "the live raw volume does not hold round $ROUNDS"
	umount "$CVOL_TMP/fs" || cvol_fail "umount ext4 failed"
	cvol_detach "$fs"
	cvol_detach "$raw"
	cvol_stop_daemon || cvol_fail "cvold did not stop cleanly"
	umount "$CVOL_TMP/store" || cvol_fail "umount the store failed"
	replay_dm remove cvol-rl || cvol_fail "dmsetup remove failed"
}

# replay_checkpoints ENTRIES: print "INDEX ROUND KIND" lines, in log
# order: KIND "mark" (replay up to and without INDEX, the mark rROUND)
# or "next" (a crash state between marks rROUND and rROUND+1)
replay_checkpoints()
{
	awk -v rounds="$ROUNDS" -v between="$REPLAY_BETWEEN" \
	    -v all="${CVOL_REPLAY_ALL:-0}" '
	$4 ~ /M/ && $5 ~ /^r[0-9]+$/ { m[substr($5, 2) + 0] = $1 }
	$4 ~ /F/ { f[nf++] = $1 }
	END {
		step = between ? int((rounds - 1) / between) : 0
		if (step < 1)
			step = 1
		nb = 0
		for (r = 1; r <= rounds; r++) {
			if (!(r in m))
				exit 1
			print m[r], r, "mark"
			if (r == rounds)
				break
			if (all) {
				for (i = 0; i < nf; i++)
					if (f[i] > m[r] && f[i] < m[r + 1])
						print f[i] + 1, r, "next"
			} else if (nb < between && r % step == 0) {
				print int((m[r] + m[r + 1]) / 2), r, "next"
				nb++
			}
		}
	}' "$1" | sort -n -k1,1 -s
}

# replay_check WHAT [--repair] KEY...: `cvolctl pool check` reports 0 for
# each KEY, or true for "clean" (no dangling reference, no bad checksum,
# every unreferenced object repaired).  Objects a crash left unreferenced
# make the check without --repair exit 1: that is allowed.
replay_check()
{
	local what=$1 rep k repair=

	shift
	[ "$1" = --repair ] && repair=--repair && shift
	rep=$("$ctl" -j -s "$CVOL_SOCKET" pool check $repair default \
		2>"$CVOL_TMP/check.err")
	[ -n "$rep" ] || cvol_fail "$what: $(cat "$CVOL_TMP/check.err")"
	for k in "$@"; do
		case $k in
		clean) cvol_expect_eq "$what: $rep" "$(cvol_field "$rep" "$k")" true ;;
		*) cvol_expect_eq "$what: $k" "$(cvol_field "$rep" "$k")" 0 ;;
		esac
	done
}

# replay_verify FSTYPE IMAGE ROUND KIND: the crash state in IMAGE
replay_verify()
{
	local fstype=$1 img=$2 r=$3 kind=$4 dev raw fs f next=""

	[ "$kind" = next ] && next=next
	dev=$(losetup -f --show "$img") || cvol_fail "losetup $img failed"
	mount -t "$fstype" "$dev" "$CVOL_TMP/store" || {
		losetup -d "$dev"
		cvol_fail "$kind r$r: the store's $fstype does not mount"
	}
	CVOL_STORE_ROOT=$CVOL_TMP/store/pools
	cvol_start_daemon
	replay_check "$kind r$r: pool check" dangling bad_checksums
	replay_say "  check clean; verifying"
	raw=$(cvol_attach raw "" true)
	"$aw" verify "$raw" "$SEED" "$r" $next >"$CVOL_TMP/verify" 2>&1 ||
		cvol_fail "$kind r$r: raw volume: $(tail -n 4 "$CVOL_TMP/verify")"
	replay_blocks=$((replay_blocks + $(awk '{ print $3 }' "$CVOL_TMP/verify")))
	cvol_detach "$raw"
	replay_say "  raw volume verified"
	fs=$(cvol_attach fs)
	mount "$fs" "$CVOL_TMP/fs" || cvol_fail "$kind r$r: ext4 on cvol does not mount"
	for f in $(seq "$r"); do
		"$aw" cmp "$CVOL_TMP/fs/f$f" "$SEED" "$f" "$FILE_SIZE" ||
			cvol_fail "$kind r$r: file f$f lost or wrong"
	done
	replay_files=$((replay_files + r))
	umount "$CVOL_TMP/fs" || cvol_fail "$kind r$r: umount ext4 failed"
	fsck.ext4 -fn "$fs" >"$CVOL_TMP/fsck" 2>&1 ||
		cvol_fail "$kind r$r: fsck of ext4 on cvol: $(tail -n 3 "$CVOL_TMP/fsck")"
	cvol_detach "$fs"
	replay_say "  ext4 on cvol verified"
	replay_check "$kind r$r: pool check --repair" --repair clean
	cvol_stop_daemon || cvol_fail "$kind r$r: cvold did not stop cleanly"
	umount "$CVOL_TMP/store" || cvol_fail "$kind r$r: umount the store failed"
	losetup -d "$dev"
}

replay_say()
{
	echo "[$(date +%T)] $*"
}

replay_run()
{
	local fstype=$1 data log base work ents n=0 pos=1 idx r kind

	replay_need "$fstype"
	truncate -s 320M "$CVOL_TMP/data.img"
	truncate -s 1G "$CVOL_TMP/log.img"
	data=$(replay_loop "$CVOL_TMP/data.img")
	log=$(replay_loop "$CVOL_TMP/log.img")
	replay_say "workload on $fstype"
	replay_workload "$fstype" "$data" "$log"

	ents=$CVOL_TMP/entries
	"$rl" --log "$log" --list >"$ents" || cvol_fail "replay-log --list failed"
	base=$CVOL_TMP/base.img
	work=$CVOL_TMP/work.img
	truncate -s 320M "$base"
	replay_blocks=0
	replay_files=0
	replay_checkpoints "$ents" >"$CVOL_TMP/points" ||
		cvol_fail "the log lacks marks r1..r$ROUNDS"
	replay_say "$(wc -l <"$ents") log entries; checkpoints:" "$(tr "\n" " " <"$CVOL_TMP/points")"
	while read -r idx r kind; do
		replay_say "entry $idx: $kind r$r"
		"$rl" --log "$log" --replay "$base" --from "$pos" --to "$idx" \
			>/dev/null || cvol_fail "replay-log to entry $idx failed"
		pos=$idx
		cp --sparse=always "$base" "$work"
		replay_verify "$fstype" "$work" "$r" "$kind"
		rm -f "$work"
		n=$((n + 1))
	done <"$CVOL_TMP/points"
	echo "ok: $fstype store: $(wc -l <"$ents") log entries," \
		"$n crash states replayed ($ROUNDS marks), $replay_blocks raw" \
		"blocks and $replay_files fsync'd files verified, 0 lost"
}
