# Kernel interface tests (guest lane): C programs against cvol.ko.
KTEST_SRCS := $(wildcard tests/kernel/[0-9]*.c)
GUEST_TEST_BINS += $(KTEST_SRCS:%.c=$(O)/%)
$(O)/tests/kernel/%: T_LDLIBS = \
	$(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
$(O)/tests/kernel/%: tests/kernel/nl.h
