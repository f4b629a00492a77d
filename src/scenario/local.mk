# src/scenario/local.mk - scenario: a deployment's facts, its YAML format
# (the only module that includes libcyaml and libyaml) and the CSV device
# inventory.
libfaceaudit_a_SOURCES += \
	src/scenario/scenario_facts.c
noinst_HEADERS += \
	include/faceaudit/scenario.h \
	src/scenario/scenario_int.h
