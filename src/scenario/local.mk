# src/scenario/local.mk - scenario: a deployment's facts, its YAML format
# (the only module that includes libcyaml) and the CSV device inventory.
# Append sources to libfaceaudit_a_SOURCES, suites to CHECK_SUITES, commands
# (their src/cli/cmd_*.c files too) to CLI_COMMANDS.
