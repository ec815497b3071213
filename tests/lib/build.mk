# Code only test programs link: the in-memory store driver "mem", which
# registers itself at start (cvol_store_register()).  Never part of
# libcvolengine.a or cvold.  Read before the groups' build.mk files.
TESTLIB_SAN := $(O)/san/tests/lib/store-mem.o
TESTLIB := $(O)/obj/tests/lib/store-mem.o
