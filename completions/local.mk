# completions/local.mk - bash completion, installed where bash-completion
# looks for it on demand. It reads the commands and options from the
# program's help at completion time (tests/regress/install.sh checks that it
# offers every command of the command table).
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = completions/faceaudit
