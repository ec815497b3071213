/* SPDX-License-Identifier: GPL-2.0 */
/* cvold's log (log.c): every part of cvold logs through this. */
#ifndef CVOLD_LOG_H
#define CVOLD_LOG_H

/** cvold_log() - write one line, printf-style, without a trailing newline */
void cvold_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* CVOLD_LOG_H */
