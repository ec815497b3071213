/* SPDX-License-Identifier: GPL-2.0 */
/* cvolctl internals: the output helper shared by the verb handlers. */
#ifndef CVOLCTL_H
#define CVOLCTL_H

#include <json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUT_MAX_COLS 16 /* columns of one table */

extern bool opt_json; /* -j: print JSON */
extern bool opt_pretty; /* -p: indent JSON */

/* How a value is shown in human output */
enum out_kind {
	OUT_STR, /* text, left-aligned; "" shows as "-" */
	OUT_NUM, /* integer, right-aligned */
	OUT_SIZE, /* bytes, shown as 10G / 1.5M, right-aligned */
	OUT_BOOL, /* yes / no */
};

/**
 * struct out_col - one column of a table or one line of a field list
 * @key: JSON key of the value
 * @head: column heading or field label
 * @kind: how it is shown
 */
struct out_col {
	const char *key;
	const char *head;
	enum out_kind kind;
};

void fmt_size(uint64_t v, char *buf, size_t cap);
/* An array of objects: JSON array, or a table with @cols (NULL-key ended) */
void out_table(json_object *arr, const struct out_col *cols);
/* One object: JSON object, or "label: value" lines */
void out_fields(json_object *obj, const struct out_col *cols);
/* One object: JSON object, or just the value of @key (nothing if NULL) */
void out_line(json_object *obj, const char *key);

#endif /* CVOLCTL_H */
