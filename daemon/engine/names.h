/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The names cvol shows and accepts, defined once for the engine, cvold and
 * libcvolctl (which builds this file into itself).
 *
 * Pool, volume and snapshot names are 1..CVOL_NAME_MAX bytes of
 * [A-Za-z0-9._-], not starting with '.' or '-' (so that a name is never an
 * option, a hidden file or a path component such as "..").
 */
#ifndef CVOL_NAMES_H
#define CVOL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define CVOL_NAME_MAX 63 /* CVOL_NAME_LEN of linux/cvol.h */

/** cvol_name_chars_ok() - every byte of @s[0..@n) is in [A-Za-z0-9._-] */
bool cvol_name_chars_ok(const char *s, size_t n);

/** cvol_name_valid() - @s is a valid pool, volume or snapshot name */
bool cvol_name_valid(const char *s);

/** cvol_name_rule - the rule above in words, for error messages */
extern const char cvol_name_rule[];

/**
 * cvol_dev_state_name() - "new", "live", "recovering", "dying" for the
 * CVOL_STATE_* value @state of a device (linux/cvol.h), else "unknown"
 */
const char *cvol_dev_state_name(unsigned int state);

#endif /* CVOL_NAMES_H */
