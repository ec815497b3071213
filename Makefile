# SPDX-License-Identifier: GPL-2.0
#
# cvol top-level build.  `make` builds kernel/cvol.ko (kbuild, out of tree)
# and all userspace into build/.  See README.md and Documentation/testing.md.
#
# Each component keeps its own rules in a fragment included below
# (daemon/store/store.mk, daemon/engine/engine.mk, daemon/daemon.mk,
# libctl/libctl.mk, utils/utils.mk, tests/<group>/build.mk); fragments
# append to BINS, LIBS, HOST_TEST_BINS and GUEST_TEST_BINS.  RADOS=0
# builds without the rados store driver (daemon/store/store.mk).

KDIR ?= $(shell scripts/kdir)
O := build
PREFIX ?= /usr/local
DESTDIR ?=
KVER := $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

CC ?= gcc
CFLAGS ?= -O2 -g
WFLAGS := -Wall -Wextra -Werror -Wno-unused-parameter
# the release every binary reports with --version
CVOL_VERSION := 0.1
CVOL_CPPFLAGS := -D_GNU_SOURCE -DCVOL_VERSION='"$(CVOL_VERSION)"' \
	-Ikernel/include/uapi -Idaemon -Ilibctl/include
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
PKG_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 json-c 2>/dev/null)

BINS :=
LIBS :=
HOST_TEST_BINS :=
GUEST_TEST_BINS :=
INSTALL_TARGETS :=

.PHONY: all module userspace tests check bench fuzz install clean
all: module userspace tests

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# Plain objects (shipped binaries) and sanitized objects (host tests).
$(O)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CVOL_CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WFLAGS) -MMD -MP -c -o $@ $<

$(O)/san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CVOL_CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WFLAGS) $(SANFLAGS) -MMD -MP -c -o $@ $<

# Test programs: tests/<group>/NNN-what.c -> build/tests/<group>/NNN-what
# (-Itests: test-only headers are included as "lib/...").
# Host lanes link sanitized objects; a group's build.mk sets T_LDLIBS for
# its programs with a pattern-specific variable.
$(O)/tests/%: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CVOL_CPPFLAGS) -Itests $(PKG_CFLAGS) $(CFLAGS) $(WFLAGS) $(T_CFLAGS) -MMD -MP -o $@ $< $(T_LDLIBS)

include daemon/store/store.mk daemon/engine/engine.mk daemon/daemon.mk \
	libctl/libctl.mk utils/utils.mk
include tests/lib/build.mk \
	$(filter-out tests/lib/build.mk,$(wildcard tests/*/build.mk))

userspace: $(LIBS) $(BINS)
tests: $(HOST_TEST_BINS) $(GUEST_TEST_BINS)

# make check [T=tests/<group>/NNN-what.{sh,c}] [LANES="host guest rados debug"]
# Installs missing Debian packages first (README: both commands do), then
# builds, then tests: in that order even under -j.
check:
	scripts/install-deps
	$(MAKE) all
	scripts/check $(if $(T),$(T))

bench: all
	scripts/bench

fuzz: all
	scripts/fuzz

install: all $(INSTALL_TARGETS)
	@[ -n "$(KVER)" ] || { echo "install: no kernel release in $(KDIR)/include/generated/utsrelease.h (set KDIR)" >&2; exit 1; }
	install -D -m 0644 kernel/cvol.ko $(DESTDIR)/lib/modules/$(KVER)/extra/cvol.ko
	install -D -m 0644 kernel/include/uapi/linux/cvol.h $(DESTDIR)$(PREFIX)/include/linux/cvol.h

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/harness/warnmod clean >/dev/null 2>&1
	rm -rf $(O) tests/out

-include $(shell find $(O) -name '*.d' 2>/dev/null)
