# src/scenario/local.mk - scenario: a deployment's facts, its YAML format
# (the only module that includes libcyaml and libyaml) and the CSV device
# inventory; `faceaudit scenario`.
libfaceaudit_a_SOURCES += \
	src/scenario/scenario.c \
	src/scenario/scenario_csv.c \
	src/scenario/scenario_facts.c \
	src/scenario/scenario_validate.c \
	src/scenario/scenario_yaml.c \
	src/cli/cmd_scenario.c
noinst_HEADERS += \
	include/faceaudit/scenario.h \
	src/scenario/scenario_int.h
CLI_COMMANDS += scenario
tests_unit_check_faceaudit_SOURCES += tests/unit/check_scenario.c
CHECK_SUITES += scenario

# The example deployments (read by the tests and the README's first command).
EXTRA_DIST += datasets/scenarios
TESTS += tests/regress/scenario.sh
dist_noinst_SCRIPTS += tests/regress/scenario.sh
