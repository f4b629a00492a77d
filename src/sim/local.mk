# src/sim/local.mk - sim: synthetic and recorded deployments day by day, and
# the compliance timeline where the recognition and rule engines meet.
libfaceaudit_a_SOURCES += \
	src/sim/sim.c \
	src/sim/sim_replay.c \
	src/sim/sim_footage.c \
	src/sim/sim_footage_ckpt.c \
	src/sim/sim_footage_facts.c \
	src/sim/sim_footage_files.c \
	src/sim/sim_footage_thumb.c \
	src/sim/sim_footage_int.h \
	src/sim/sim_scenario.c \
	src/sim/sim_store.c
noinst_HEADERS += include/faceaudit/sim.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_sim.c
CHECK_SUITES += sim

BENCH_PROGS += bench/sim_bench
bench_sim_bench_SOURCES = bench/sim_bench.c
bench_sim_bench_LDADD = libfaceaudit.a $(FA_DEP_LIBS)
TESTS += tests/regress/simulate.sh
dist_noinst_SCRIPTS += tests/regress/simulate.sh
TESTS += tests/regress/crash.sh
dist_noinst_SCRIPTS += tests/regress/crash.sh
TESTS += tests/regress/replay.sh
dist_noinst_SCRIPTS += tests/regress/replay.sh
EXTRA_DIST += datasets/recorded
