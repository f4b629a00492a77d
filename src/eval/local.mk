# src/eval/local.mk - eval: protocols, ISO/IEC 19795-1 metrics, gates.
libfaceaudit_a_SOURCES += \
	src/eval/eval_engine.c \
	src/eval/eval_engine_cache.c \
	src/eval/eval_engine_recog.c \
	src/eval/eval_gate.c \
	src/eval/eval_int.h \
	src/eval/eval_result.c \
	src/eval/eval_shard.c \
	src/eval/eval_store.c \
	src/eval/eval_submit.c \
	src/eval/figures.c \
	src/eval/metrics.c \
	src/eval/protocol.c
noinst_HEADERS += include/faceaudit/eval.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_eval.c
CHECK_SUITES += eval
EXTRA_DIST += doc/ACCURACY.md
