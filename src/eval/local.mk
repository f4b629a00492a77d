# src/eval/local.mk - eval: protocols, ISO/IEC 19795-1 metrics, gates.
libfaceaudit_a_SOURCES += \
	src/eval/metrics.c
noinst_HEADERS += include/faceaudit/eval.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_eval.c
CHECK_SUITES += eval
