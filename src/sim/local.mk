# src/sim/local.mk - sim: synthetic and recorded deployments day by day.
libfaceaudit_a_SOURCES += \
	src/sim/sim.c
noinst_HEADERS += include/faceaudit/sim.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_sim.c
CHECK_SUITES += sim

BENCH_PROGS += bench/sim_bench
bench_sim_bench_SOURCES = bench/sim_bench.c
bench_sim_bench_LDADD = libfaceaudit.a $(FA_DEP_LIBS)
