# src/app/local.mk - app: one function per user operation for both front ends.
# (Helper "report" adds the portfolio; helper "app" adds the rest of the layer.)
libfaceaudit_a_SOURCES += src/app/app_portfolio.c
noinst_HEADERS += include/faceaudit/app.h
APP_PORTFOLIO_TESTS = tests/regress/portfolio.sh
TESTS += $(APP_PORTFOLIO_TESTS)
dist_noinst_SCRIPTS += $(APP_PORTFOLIO_TESTS)
