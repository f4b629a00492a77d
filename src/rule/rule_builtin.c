/* SPDX-License-Identifier: MIT */
/*
 * rule_builtin.c - the built-in functions of the rule language, one const
 * table (after tmux's options-table.c): name, arity, argument and result
 * types, implementation, documentation. The checker validates calls against
 * this table at load time; `any`, `all` and `count` are quantifiers handled
 * by the parser and evaluator, not here. Unless takes_unknown is set, a call
 * with an unknown argument yields unknown without calling the function.
 */
#include "config.h"

#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/calendar.h"

static void
fn_working_days(struct eval_ctx *ec, const struct rval *a, struct rval *out)
{
    if (a[0].u.d == FA_DATE_NONE || a[1].u.d == FA_DATE_NONE) {
        out->t = FT_UNKNOWN;
        return;
    }
    out->t = FT_INT;
    out->u.i = calendar_working_days_between(ec->cal, a[0].u.d, a[1].u.d, &ec->approx);
}

static void
fn_add_working_days(struct eval_ctx *ec, const struct rval *a, struct rval *out)
{
    if (a[1].u.i < 0 || a[1].u.i > 100000) {
        out->t = FT_UNKNOWN;
        return;
    }
    out->t = FT_DATE;
    if (a[0].u.d == FA_DATE_NONE) {
        out->u.d = FA_DATE_NONE;  /* no event, no deadline */
        return;
    }
    out->u.d = calendar_add_working_days(ec->cal, a[0].u.d, (int)a[1].u.i, &ec->approx);
}

static void
fn_known(struct eval_ctx *ec, const struct rval *a, struct rval *out)
{
    (void)ec;
    out->t = FT_BOOL;
    out->u.b = a[0].t != FT_UNKNOWN;
}

static void
fn_as_of(struct eval_ctx *ec, const struct rval *a, struct rval *out)
{
    (void)a;
    out->t = FT_DATE;
    out->u.d = ec->as_of;
}

static void
fn_days(struct eval_ctx *ec, const struct rval *a, struct rval *out)
{
    (void)ec;
    out->t = FT_DURATION;
    out->dmonths = 0;
    out->u.i = a[0].u.i;
}

static void
fn_weekday(struct eval_ctx *ec, const struct rval *a, struct rval *out)
{
    (void)ec;
    if (a[0].u.d == FA_DATE_NONE) {
        out->t = FT_UNKNOWN;
        return;
    }
    out->t = FT_INT;
    out->u.i = date_weekday(a[0].u.d);
}

const struct builtin rule_builtins[] = {
    { "working_days", 2, { FT_DATE, FT_DATE }, FT_INT, fn_working_days, false,
      "working days after the first date up to and including the second (PRC calendar)" },
    { "add_working_days", 2, { FT_DATE, FT_INT }, FT_DATE, fn_add_working_days, false,
      "the Nth working day after the date, the date itself not counted (PRC calendar)" },
    { "known", 1, { FT_ANY }, FT_BOOL, fn_known, true,
      "true when the fact or expression is known, false when it is unknown" },
    { "as_of", 0, { FT_ANY }, FT_DATE, fn_as_of, false,
      "the audit's evaluation date (--as-of, default today)" },
    { "days", 1, { FT_INT }, FT_DURATION, fn_days, false,
      "a duration of N days (for a computed N; literals are written 30d)" },
    { "weekday", 1, { FT_DATE }, FT_INT, fn_weekday, false,
      "ISO weekday of a date, 1 = Monday .. 7 = Sunday" },
    { NULL, 0, { FT_ANY }, FT_ANY, NULL, false, NULL }
};

/* Position of sym in a NULL-terminated list, or -1. */
int
schema_symbol_index(const char *const *symbols, const char *sym)
{
    int i;

    for (i = 0; symbols[i] != NULL; i++) {
        if (strcmp(symbols[i], sym) == 0)
            return i;
    }
    return -1;
}

/* The builtin called name, or NULL. */
const struct builtin *
rule_builtin_find(const char *name)
{
    size_t i;

    for (i = 0; rule_builtins[i].name != NULL; i++) {
        if (strcmp(rule_builtins[i].name, name) == 0)
            return &rule_builtins[i];
    }
    return NULL;
}

/* Builtin and quantifier names, NULL-terminated (static). */
const char *const *
rule_builtin_names(void)
{
    static const char *names[16];
    size_t i, n = 0;

    if (names[0] == NULL) {
        for (i = 0; rule_builtins[i].name != NULL && n < FA_NITEMS(names) - 4; i++)
            names[n++] = rule_builtins[i].name;
        names[n++] = "any";
        names[n++] = "all";
        names[n++] = "count";
    }
    return names;
}
