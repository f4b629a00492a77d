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
