# src/scenario/local.mk - scenario: a deployment's facts, its YAML format
# (the only module that includes libcyaml and libyaml) and the CSV device
# inventory; `faceaudit scenario`.
libfaceaudit_a_SOURCES += \
	src/scenario/scenario.c \
	src/scenario/scenario_csv.c \
	src/scenario/scenario_dated.c \
	src/scenario/scenario_facts.c \
	src/scenario/scenario_load.c \
	src/scenario/scenario_prescan.c \
	src/scenario/scenario_ref.c \
	src/scenario/scenario_rows.c \
	src/scenario/scenario_save.c \
	src/scenario/scenario_schema.c \
	src/scenario/scenario_validate.c \
	src/scenario/scenario_value.c
noinst_HEADERS += \
	include/faceaudit/scenario.h \
	src/scenario/scenario_int.h \
	src/scenario/scenario_yaml_int.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_scenario.c
CHECK_SUITES += scenario

# The example deployments (read by the tests and the README's first command).
EXTRA_DIST += datasets/scenarios
TESTS += tests/regress/scenario.sh
dist_noinst_SCRIPTS += tests/regress/scenario.sh

# Fuzz target for the loader (see tests/fuzz/local.mk): a replay program in
# make check over tests/fuzz/corpus/scenario/, libFuzzer with --enable-fuzzing.
check_PROGRAMS += tests/fuzz/replay_scenario
TESTS += tests/fuzz/replay_scenario
tests_fuzz_replay_scenario_SOURCES = tests/fuzz/fuzz_scenario.c tests/fuzz/fuzz_main.c
tests_fuzz_replay_scenario_CPPFLAGS = $(AM_CPPFLAGS) -DFA_FUZZ_NAME='"scenario"'
tests_fuzz_replay_scenario_LDADD = libfaceaudit.a $(FA_DEP_LIBS)
FUZZ_PROGS += tests/fuzz/fuzz_scenario
tests_fuzz_fuzz_scenario_SOURCES = tests/fuzz/fuzz_scenario.c
tests_fuzz_fuzz_scenario_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_scenario_LDADD = libfaceaudit.a $(FA_DEP_LIBS)

# Load-time benchmark (make bench).
BENCH_PROGS += bench/scenario_load
bench_scenario_load_SOURCES = bench/scenario_load.c
bench_scenario_load_LDADD = libfaceaudit.a $(FA_DEP_LIBS)
