// SPDX-License-Identifier: GPL-2.0
/*
 * cvolctl output: every result is a json-c value, printed either as JSON
 * (-j, -p) or as an aligned table / key-value list.  Nothing else in
 * cvolctl writes to stdout.
 */
#include <inttypes.h>
#include <json.h>
#include <stdio.h>
#include <string.h>

#include "cvolctl.h"

void fmt_size(uint64_t v, char *buf, size_t cap)
{
	static const char units[] = "KMGTPE";
	unsigned int i = 0;
	uint64_t div = 1;

	if (v < 1024) {
		snprintf(buf, cap, "%" PRIu64, v);
		return;
	}
	while (i < sizeof(units) - 2 && v / (div << 10) >= 1024)
		div <<= 10, i++;
	div <<= 10;
	if (v % div == 0)
		snprintf(buf, cap, "%" PRIu64 "%c", v / div, units[i]);
	else
		snprintf(buf, cap, "%.1f%c", (double)v / (double)div, units[i]);
}

/* The text shown for @v in human output, for a column of kind @kind */
static const char *cell(json_object *v, enum out_kind kind, char *buf,
			size_t cap)
{
	if (!v)
		return "-";
	switch (kind) {
	case OUT_SIZE:
		fmt_size((uint64_t)json_object_get_int64(v), buf, cap);
		return buf;
	case OUT_BOOL:
		return json_object_get_boolean(v) ? "yes" : "no";
	case OUT_STR:
		if (json_object_is_type(v, json_type_string) &&
		    !*json_object_get_string(v))
			return "-";
		/* fall through */
	default:
		snprintf(buf, cap, "%s", json_object_get_string(v));
		return buf;
	}
}

static void out_json(json_object *o)
{
	int flags = opt_pretty ?
			    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			    JSON_C_TO_STRING_PLAIN;

	flags |= JSON_C_TO_STRING_NOSLASHESCAPE;
	puts(json_object_to_json_string_ext(o, flags));
}

void out_table(json_object *arr, const struct out_col *cols)
{
	size_t w[OUT_MAX_COLS] = { 0 };
	char buf[256];
	size_t i, n, c;

	if (opt_json) {
		out_json(arr);
		return;
	}
	n = json_object_array_length(arr);
	for (c = 0; cols[c].key; c++)
		w[c] = strlen(cols[c].head);
	for (i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(arr, i), *v;
		size_t l;

		for (c = 0; cols[c].key; c++) {
			v = json_object_object_get(row, cols[c].key);
			l = strlen(cell(v, cols[c].kind, buf, sizeof(buf)));
			if (l > w[c])
				w[c] = l;
		}
	}
	for (c = 0; cols[c].key; c++) {
		if (cols[c + 1].key)
			printf(cols[c].kind == OUT_STR ? "%-*s  " : "%*s  ",
			       (int)w[c], cols[c].head);
		else
			printf("%s\n", cols[c].head);
	}
	for (i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(arr, i);

		for (c = 0; cols[c].key; c++) {
			const char *s =
				cell(json_object_object_get(row, cols[c].key),
				     cols[c].kind, buf, sizeof(buf));
			if (cols[c + 1].key)
				printf(cols[c].kind == OUT_STR ? "%-*s  " :
								 "%*s  ",
				       (int)w[c], s);
			else
				printf("%s\n", s);
		}
	}
}

void out_fields(json_object *obj, const struct out_col *cols)
{
	size_t w = 0, c;
	char buf[256];

	if (opt_json) {
		out_json(obj);
		return;
	}
	for (c = 0; cols[c].key; c++)
		if (strlen(cols[c].head) > w)
			w = strlen(cols[c].head);
	for (c = 0; cols[c].key; c++)
		printf("%s:%*s %s\n", cols[c].head,
		       (int)(w - strlen(cols[c].head)), "",
		       cell(json_object_object_get(obj, cols[c].key),
			    cols[c].kind, buf, sizeof(buf)));
}

void out_line(json_object *obj, const char *key)
{
	char buf[256];

	if (opt_json) {
		out_json(obj);
		return;
	}
	if (key)
		printf("%s\n", cell(json_object_object_get(obj, key), OUT_STR,
				    buf, sizeof(buf)));
}
