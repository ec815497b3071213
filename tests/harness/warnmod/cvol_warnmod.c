// SPDX-License-Identifier: GPL-2.0
/*
 * cvol_warnmod: a test-only module whose init WARNs and then loads
 * successfully.  The harness self-test loads it in a guest test that
 * exits 0 and expects scripts/check to fail that test anyway, because the
 * guest kernel log shows a WARNING and a Call Trace.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init cvol_warnmod_init(void)
{
	WARN(1, "cvol_warnmod: deliberate warning for the harness self-test\n");
	return 0;
}

static void __exit cvol_warnmod_exit(void)
{
}

module_init(cvol_warnmod_init);
module_exit(cvol_warnmod_exit);
MODULE_DESCRIPTION("cvol test harness: WARN on load");
MODULE_LICENSE("GPL");
