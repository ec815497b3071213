# Block-level crash replay lane: replay-log applies a dm-log-writes log to
# an image up to an entry; ackwrite writes a workload whose acknowledged
# state it can verify.  Both run in the guest.
GUEST_TEST_BINS += $(O)/tests/replay/replay-log $(O)/tests/replay/ackwrite
