# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the harness self-tests that run scripts/check on the guest
# fixtures; source after tests/common.sh.

# harness_check_fails TEST...: run scripts/check on TEST... (paths from
# $CVOL_TOP) in the guest lane, its results under $CVOL_TMP/out; print
# its output, keep it in out, and fail unless check exits non-zero
harness_check_fails()
{
	out=$(cd "$CVOL_TOP" && CVOL_CHECK_OUT=$CVOL_TMP/out LANES=guest \
		scripts/check "$@" 2>&1)
	harness_rc=$?
	echo "$out"
	cvol_expect_ne "check exit status" "$harness_rc" 0
}

# harness_tap FIXTURE: the TAP file check wrote for fixtures/FIXTURE
harness_tap()
{
	cat "$CVOL_TMP/out/tap/guest/fixtures/$1"
}
