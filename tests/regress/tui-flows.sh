#!/bin/sh
. "${top_srcdir:-.}/tests/regress/lib.sh"
finish
