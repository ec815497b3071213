#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the command lines ("# cmd") of a man page's EXAMPLES section, one
per line, with troff escapes undone; with --file PATH, print instead the
lines that follow "# cat PATH" up to the next command."""
import re
import sys

page = open(sys.argv[1]).read()
m = re.search(r'^\.SH EXAMPLES\n(.*?)(?=^\.SH )', page, re.M | re.S)
if not m:
    sys.exit("no EXAMPLES section in " + sys.argv[1])
text = m.group(1).replace('\\-', '-').replace('\\e', '\\')
want_file = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == '--file' else None
in_file = False
for line in text.split('\n'):
    if line.startswith('.'):
        continue
    if line.startswith('# '):
        in_file = want_file is not None and line == '# cat ' + want_file
        if want_file is None:
            print(line[2:])
        continue
    if in_file:
        print(line)
