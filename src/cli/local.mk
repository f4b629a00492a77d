# src/cli/local.mk - cli: global options, the command table, one file per
# command group.
libfaceaudit_a_SOURCES += \
	src/cli/cli.c \
	src/cli/cmd_calendar.c \
	src/cli/cmd_db.c \
	src/cli/cmd_log.c \
	src/cli/cmd_models.c \
	src/cli/cmd_purge.c \
	src/cli/cmd_recog.c
noinst_HEADERS += include/faceaudit/cli.h
CLI_COMMANDS += models calendar db detect landmarks embed compare enroll identify gallery log purge
