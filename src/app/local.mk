# src/app/local.mk - app: one function per user operation (params in,
# result out, stored), under the CLI and the TUI.
libfaceaudit_a_SOURCES += \
	src/app/app.c \
	src/app/app_audit.c \
	src/app/app_eval.c \
	src/app/app_models.c \
	src/app/app_pia.c \
	src/app/app_portfolio.c \
	src/app/app_recog.c \
	src/app/app_sim.c \
	src/app/app_video.c
noinst_HEADERS += include/faceaudit/app.h
tests_unit_check_faceaudit_SOURCES += tests/unit/check_app.c
CHECK_SUITES += app
APP_PORTFOLIO_TESTS = tests/regress/portfolio.sh
TESTS += $(APP_PORTFOLIO_TESTS)
dist_noinst_SCRIPTS += $(APP_PORTFOLIO_TESTS)
