# libcvolctl: shared library for tools, static sanitized copy for host tests.
# daemon/engine/names.c: the one name validator, shared with the engine
CTL_SRCS := libctl/ctl.c libctl/genl.c daemon/engine/names.c
CTL_LDLIBS := $(shell pkg-config --libs libnl-genl-3.0 json-c 2>/dev/null)
LIBS += $(O)/libcvolctl.so.0 $(O)/libcvolctl.so $(O)/san/libcvolctl.a \
	$(O)/libcvolctl.pc

# The shared library needs position-independent objects.
$(O)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CVOL_CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WFLAGS) -fPIC \
		-fvisibility=default -MMD -MP -c -o $@ $<

$(O)/libcvolctl.so.0: $(CTL_SRCS:%.c=$(O)/pic/%.o) libctl/libcvolctl.sym
	$(CC) -shared -Wl,-soname,libcvolctl.so.0 \
		-Wl,--version-script=libctl/libcvolctl.sym -Wl,-z,defs \
		-o $@ $(filter %.o,$^) $(CTL_LDLIBS) -lpthread

$(O)/libcvolctl.so: $(O)/libcvolctl.so.0
	ln -sf libcvolctl.so.0 $@

$(O)/san/libcvolctl.a: $(CTL_SRCS:%.c=$(O)/san/%.o)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(O)/libcvolctl.pc: libctl/libcvolctl.pc.in
	sed 's|@PREFIX@|$(PREFIX)|' $< > $@

INSTALL_TARGETS += install-libctl
.PHONY: install-libctl
install-libctl: $(O)/libcvolctl.so.0
	install -D -m 0755 $(O)/libcvolctl.so.0 \
		$(DESTDIR)$(PREFIX)/lib/libcvolctl.so.0
	ln -sf libcvolctl.so.0 $(DESTDIR)$(PREFIX)/lib/libcvolctl.so
	install -D -m 0644 libctl/include/cvol/ctl.h \
		$(DESTDIR)$(PREFIX)/include/cvol/ctl.h
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig
	sed 's|@PREFIX@|$(PREFIX)|' libctl/libcvolctl.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/libcvolctl.pc
