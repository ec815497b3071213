# Memory-pressure lane: hog locks and churns memory and writes known data.
GUEST_TEST_BINS += $(O)/tests/pressure/hog
