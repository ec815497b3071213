// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one validator of cvol names and the one table of device state names
 * (names.h).  Plain bytes, no locale: isalnum() would accept more in some.
 */
#include <string.h>
#include <linux/cvol.h>

#include "engine/names.h"

_Static_assert(CVOL_NAME_MAX == CVOL_NAME_LEN, "one name length");

const char cvol_name_rule[] =
	"1-63 characters of A-Z a-z 0-9 . _ -, not starting with . or -";

bool cvol_name_chars_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

bool cvol_name_valid(const char *s)
{
	size_t n;

	if (!s)
		return false;
	n = strlen(s);
	return n >= 1 && n <= CVOL_NAME_MAX && s[0] != '.' && s[0] != '-' &&
	       cvol_name_chars_ok(s, n);
}

const char *cvol_dev_state_name(unsigned int state)
{
	static const char *const names[] = {
		[CVOL_STATE_NEW] = "new",
		[CVOL_STATE_LIVE] = "live",
		[CVOL_STATE_RECOVERING] = "recovering",
		[CVOL_STATE_DYING] = "dying",
	};

	if (state >= sizeof(names) / sizeof(names[0]) || !names[state])
		return "unknown";
	return names[state];
}
