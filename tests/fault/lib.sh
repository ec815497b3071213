# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# Fault-injection lane helpers (debug kernel: CONFIG_FAULT_INJECTION,
# FAILSLAB, FAIL_PAGE_ALLOC, FAIL_MAKE_REQUEST, FAULT_INJECTION_DEBUG_FS).
# Injection never prints stacks (verbose=0): a forced failure is not a
# kernel problem, and the lane fails on any Call Trace in the log.

fault_dbg=/sys/kernel/debug

# fault_need FEATURE...: skip unless /sys/kernel/debug/FEATURE exists
fault_need()
{
	cvol_need_guest
	cvol_need_root
	[ -d "$fault_dbg/kunit" ] || [ -d "$fault_dbg/block" ] ||
		mount -t debugfs debugfs "$fault_dbg" 2>/dev/null
	for fn_f in "$@"; do
		[ -d "$fault_dbg/$fn_f" ] ||
			cvol_skip "this kernel has no $fault_dbg/$fn_f (the debug kernel has)"
	done
}

# fault_set FEATURE KNOB VALUE: write a debugfs knob, restored at exit
fault_set()
{
	fs_f=$fault_dbg/$1/$2
	[ -e "$fs_f" ] || cvol_fail "missing $fs_f"
	fs_old=$(cat "$fs_f")
	echo "$3" >"$fs_f" || cvol_fail "cannot write $3 to $fs_f"
	cvol_at_exit "echo '$fs_old' >'$fs_f'"
}

# fault_leaks: print kmemleak's unreferenced objects whose backtrace
# names cvol (a fresh scan; objects younger than 5 s are never reported)
fault_leaks()
{
	[ -w "$fault_dbg/kmemleak" ] || return 0
	sleep 6
	echo scan >"$fault_dbg/kmemleak"
	echo scan >"$fault_dbg/kmemleak"
	awk '
		/^unreferenced object/ { if (hit) printf "%s", blk; blk = ""; hit = 0 }
		{ blk = blk $0 "\n" }
		/cvol/ { hit = 1 }
		END { if (hit) printf "%s", blk }
	' "$fault_dbg/kmemleak"
}

# fault_leak_baseline: forget leaks reported so far (boot, earlier tests)
fault_leak_baseline()
{
	[ -w "$fault_dbg/kmemleak" ] || return 0
	echo scan >"$fault_dbg/kmemleak"
	echo clear >"$fault_dbg/kmemleak"
}

# The patterns scripts/check fails a guest test on.
fault_bad_kmsg='Oops|BUG:|WARNING:|KASAN|UBSAN|possible circular locking|inconsistent lock state|lockdep|INFO: task .* blocked|Call Trace|general protection fault|rcu: INFO|refcount_t:|list_(add|del) corruption'

# fault_kmsg_check: an injected allocation failure makes vmalloc and the
# page allocator print their own "allocation failure" report with a stack
# (warn_alloc): expected here, and cleared so that scripts/check does not
# count them.  Any other report in the kernel log fails the test first.
fault_kmsg_check()
{
	dmesg >"$CVOL_TMP/kmsg"
	fk_bad=$(awk '
		/vmalloc error:|page allocation failure:/ { skip = 1 }
		skip { if (/<\/TASK>/) skip = 0; next }
		{ print }
	' "$CVOL_TMP/kmsg" | grep -E "$fault_bad_kmsg")
	echo "kernel: $(grep -cE 'vmalloc error:|page allocation failure:' \
		"$CVOL_TMP/kmsg") allocation-failure reports (expected under injection)"
	if [ -n "$fk_bad" ]; then
		echo "$fk_bad"
		cvol_fail "the kernel reported a problem under fault injection"
	fi
	dmesg -C
}

# fault_start_dev NAME: start cvold (stopped at exit) and attach a new
# 16 MiB volume NAME (tests/daemon/lib.sh); its device in dev, its id in
# id, force-detached at exit
fault_start_dev()
{
	cvol_start_daemon
	cvol_at_exit cvol_stop_daemon
	cvol_create "$1" $((16 << 20)) 16
	dev=$(cvol_attach "$1")
	# shellcheck disable=SC2034 # for the caller
	id=${dev#/dev/cvol}
	cvol_detach_at_exit "$dev"
}

# fault_expect_no_leaks: fail if kmemleak reports cvol objects leaked
fault_expect_no_leaks()
{
	fl_leaks=$(fault_leaks)
	[ -z "$fl_leaks" ] || { echo "$fl_leaks"; cvol_fail "kmemleak: cvol objects leaked"; }
}
