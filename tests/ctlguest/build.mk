# Guest control-tool tests: a libcvolctl event listener run by
# 004-events.sh, and a reconfigure client run by 005-reconfigure.sh.
GUEST_TEST_BINS += $(O)/tests/ctlguest/events $(O)/tests/ctlguest/reconf

$(O)/tests/ctlguest/%: T_LDLIBS = $(O)/san/libcvolctl.a \
	-fsanitize=address,undefined $(CTL_LDLIBS) -lpthread
$(O)/tests/ctlguest/%: T_CFLAGS = -fsanitize=address,undefined
# explicit: a pattern rule without a recipe would add no prerequisite
$(O)/tests/ctlguest/events $(O)/tests/ctlguest/reconf: $(O)/san/libcvolctl.a
