# Host tests of the control tools: the control socket with stub daemon
# hooks (stubd), libcvolctl (sanitized) and cvolctl.
# libctl-unit is run by 002-libctl-args.sh, with stubd serving a socket.
HOST_TEST_BINS += $(O)/tests/ctl/libctl-unit $(O)/tests/ctl/stubd

$(O)/tests/ctl/%: T_CFLAGS = -fsanitize=address,undefined
$(O)/tests/ctl/%: T_LDLIBS = $(O)/san/libcvolctl.a \
	-fsanitize=address,undefined $(CTL_LDLIBS) -lpthread
# explicit: a pattern rule without a recipe would add no prerequisite
$(O)/tests/ctl/libctl-unit: $(O)/san/libcvolctl.a

# stubd never calls the engine (every pool fails to open); it defines
# stubs of the engine functions ctlsock.c refers to.
$(O)/tests/ctl/stubd: tests/ctl/stubd.c $(O)/san/daemon/ctlsock.o \
		      $(O)/san/daemon/engine/err.o \
		      $(O)/san/daemon/engine/names.o
	@mkdir -p $(@D)
	$(CC) $(CVOL_CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WFLAGS) $(SANFLAGS) \
		-o $@ $^ $(CTL_LDLIBS) -lpthread
