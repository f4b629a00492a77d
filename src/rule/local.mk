# src/rule/local.mk - rule: the rule language (lex, parse, check, evaluate,
# explain), the audit of a scenario against rules/, waivers.
libfaceaudit_a_SOURCES += \
	src/rule/rule_ast.c \
	src/rule/rule_audit.c \
	src/rule/rule_builtin.c \
	src/rule/rule_check.c \
	src/rule/rule_eval.c \
	src/rule/rule_int.h \
	src/rule/rule_lex.c \
	src/rule/rule_output.c \
	src/rule/rule_parse.c \
	src/rule/rule_test.c \
	src/rule/rule_waivers.c \
	src/cli/cmd_audit.c \
	src/cli/cmd_rules.c
noinst_HEADERS += include/faceaudit/rule.h
CLI_COMMANDS += audit rules
