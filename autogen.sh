#!/bin/sh
# Regenerate configure and the Makefile templates.
exec autoreconf -fi "$(dirname "$0")"
