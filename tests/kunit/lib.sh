# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit lane helpers.  The suites live in kernel/cvol_kunit.c, linked into
# the KUnit variant of cvol.ko that scripts/build-debug-kernel --kmod builds
# against the debug kernel ($CVOL_KUNIT_MODULE, set by the debug lane).
# Loading it runs every suite; KUnit leaves each suite's KTAP in
# /sys/kernel/debug/kunit/<suite>/results until the module goes away.  The
# first test of a boot loads it once, copies the results to /run/cvol-kunit
# and unloads it again, so later guest tests load the plain cvol.ko; every
# test then reports one suite from that copy.

kunit_dir=/run/cvol-kunit

# kunit_run: make sure $kunit_dir holds this module's results
kunit_run()
{
	cvol_need_guest
	[ -n "${CVOL_KUNIT_MODULE:-}" ] ||
		cvol_skip "CVOL_KUNIT_MODULE unset: KUnit runs in the debug lane (scripts/build-debug-kernel)"
	[ -f "$CVOL_KUNIT_MODULE" ] ||
		cvol_fail "$CVOL_KUNIT_MODULE not built: the debug lane could not build cvol.ko with its KUnit suites (scripts/build-debug-kernel --kmod shows why)"
	kr_stamp=$(sha256sum <"$CVOL_KUNIT_MODULE" | cut -c1-16)
	[ -f "$kunit_dir/$kr_stamp.done" ] && return 0
	[ -d /sys/kernel/debug/kunit ] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -d /sys/kernel/debug/kunit ] ||
		cvol_skip "this kernel has no KUnit debugfs (CONFIG_KUNIT_DEBUGFS)"
	cvol_unload_module
	rm -rf "$kunit_dir"
	mkdir -p "$kunit_dir"
	cvol_kmsg "kunit: loading $CVOL_KUNIT_MODULE"
	# the suites run while insmod waits for the module to go live
	kr_out=$(insmod "$CVOL_KUNIT_MODULE" 2>&1) ||
		cvol_fail "insmod $CVOL_KUNIT_MODULE: $kr_out"
	dmesg | sed 's/^\[[^]]*\] //' >"$kunit_dir/dmesg"
	for kr_d in /sys/kernel/debug/kunit/cvol_*; do
		[ -f "$kr_d/results" ] || continue
		cp "$kr_d/results" "$kunit_dir/$(basename "$kr_d").results"
	done
	cvol_unload_module
	touch "$kunit_dir/$kr_stamp.done"
}

# kunit_suite SUITE CASES [PARAMS]: print SUITE's KTAP, then fail unless
# the suite passed with exactly CASES test cases (and PARAMS parameters of
# parameterised cases), every one passing.
kunit_suite()
{
	kunit_run
	ks_r=$kunit_dir/$1.results
	ks_f=$kunit_dir/$1.ktap
	[ -f "$ks_r" ] ||
		cvol_fail "suite $1 did not run (no /sys/kernel/debug/kunit/$1/results)"
	# the suite's KTAP from the kernel log: its header to its verdict
	awk -v s="$1" '
		$0 == "    # Subtest: " s { on = 1; buf = "" }
		on { buf = buf $0 "\n" }
		on && $0 ~ "^(not )?ok [0-9]+ " s "$" { printf "%s", buf; on = 0 }
	' "$kunit_dir/dmesg" >"$ks_f"
	cat "$ks_f"
	# case lines are indented one level (4 spaces), parameters two
	ks_pass=$(grep -cE '^    ok [0-9]+ ' "$ks_f")
	ks_fail=$(grep -cE '^    not ok [0-9]+ ' "$ks_f")
	ks_skip=$(grep -cE '^    ok [0-9]+ .*# SKIP' "$ks_f")
	ks_params=$(grep -cE '^        (not )?ok [0-9]+ ' "$ks_f")
	ks_params_failed=$(grep -cE '^        not ok [0-9]+ ' "$ks_f")
	echo "kunit: $1: $((ks_pass - ks_skip)) cases passed, $ks_fail failed, $ks_skip skipped; $ks_params parameters, $ks_params_failed failed"
	echo "kunit: $1: debugfs verdict: $(tail -n 1 "$ks_r")"
	cvol_expect_eq "$1: debugfs verdict" "$(tail -n 1 "$ks_r")" "ok 1 $1"
	cvol_expect_eq "$1: failed cases" "$ks_fail" 0
	cvol_expect_eq "$1: failed parameters" "$ks_params_failed" 0
	cvol_expect_eq "$1: skipped cases" "$ks_skip" 0
	cvol_expect_eq "$1: passed cases" "$ks_pass" "$2"
	[ -z "${3:-}" ] || cvol_expect_eq "$1: parameters" "$ks_params" "$3"
}
