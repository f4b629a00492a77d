# src/rule/local.mk - rule: the rule language (lex, parse, check, evaluate,
# explain), the audit of a scenario against rules/, waivers.
