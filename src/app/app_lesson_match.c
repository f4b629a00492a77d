/* SPDX-License-Identifier: MIT */
/*
 * app_lesson_match.c - the lenient quiz answer matcher of trainer lessons
 * (lesson.h): outcomes in words or symbols, in English or Chinese, and article
 * numbers in any spelling (`13`, `Art. 13`, `第十三条`), folded to one canonical
 * answer. The lesson parser (app_lesson.c) checks answers with it at load
 * time; the TUI's quiz and `faceaudit lesson check` compare with it.
 */
#include "config.h"

#include "faceaudit/lesson.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faceaudit/str.h"
#include "faceaudit/xmalloc.h"

#define LESSON_NARTICLES 20
#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* The outcome names an answer may spell out (rule_outcome_name()'s). */
static const char *const outcome_names[] = {
    "pass", "fail", "not_applicable", "needs_evidence", "advisory", "waived", NULL
};

/* Answers in words, normalised (lower case, _ - / as spaces, no punctuation). */
static const struct {
    const char *word;
    const char *outcome;
} answer_words[] = {
    { "pass", "pass" }, { "passes", "pass" }, { "passed", "pass" }, { "passing", "pass" },
    { "yes", "pass" }, { "y", "pass" }, { "compliant", "pass" }, { "complies", "pass" },
    { "ok", "pass" }, { "okay", "pass" }, { "true", "pass" }, { "in compliance", "pass" },
    { "合规", "pass" }, { "通过", "pass" }, { "符合", "pass" },
    { "fail", "fail" }, { "fails", "fail" }, { "failed", "fail" }, { "failing", "fail" },
    { "no", "fail" }, { "n", "fail" }, { "violated", "fail" }, { "violates", "fail" },
    { "violation", "fail" }, { "in violation", "fail" }, { "breach", "fail" },
    { "breached", "fail" }, { "non compliant", "fail" }, { "noncompliant", "fail" },
    { "not compliant", "fail" }, { "false", "fail" }, { "x", "fail" },
    { "违规", "fail" }, { "不合规", "fail" }, { "违反", "fail" },
    { "needs evidence", "needs_evidence" }, { "need evidence", "needs_evidence" },
    { "needsevidence", "needs_evidence" }, { "evidence", "needs_evidence" },
    { "evidence needed", "needs_evidence" }, { "needs more evidence", "needs_evidence" },
    { "unknown", "needs_evidence" }, { "not known", "needs_evidence" },
    { "undetermined", "needs_evidence" }, { "待证", "needs_evidence" },
    { "需要证据", "needs_evidence" }, { "未知", "needs_evidence" },
    { "n a", "not_applicable" }, { "na", "not_applicable" },
    { "not applicable", "not_applicable" }, { "notapplicable", "not_applicable" },
    { "inapplicable", "not_applicable" }, { "does not apply", "not_applicable" },
    { "doesnt apply", "not_applicable" }, { "not apply", "not_applicable" },
    { "不适用", "not_applicable" },
    { "advisory", "advisory" }, { "advice", "advisory" },
    { "waived", "waived" }, { "waiver", "waived" },
};

/* Answers that are symbols only (checked on the trimmed text before punctuation goes). */
static const struct {
    const char *sym;
    const char *outcome;
} answer_symbols[] = {
    { "✓", "pass" }, { "✔", "pass" }, { "√", "pass" },
    { "✗", "fail" }, { "✘", "fail" }, { "×", "fail" },
    { "?", "needs_evidence" }, { "？", "needs_evidence" },
    { "–", "not_applicable" }, { "—", "not_applicable" }, { "-", "not_applicable" },
    { "!", "advisory" }, { "~", "waived" },
};

/* Lower case, `_ - /` as spaces, other ASCII punctuation dropped, spaces collapsed. */
static char *
answer_fold(const char *s)
{
    char *out = xmalloc(strlen(s) + 1), *o = out;
    const unsigned char *p;

    for (p = (const unsigned char *)s; *p != '\0'; p++) {
        unsigned char c = *p;

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c == '_' || c == '-' || c == '/' || c == ' ' || c == '\t')
            c = ' ';
        else if (c < 0x80 && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9'))
            continue;
        if (c == ' ' && (o == out || o[-1] == ' '))
            continue;
        *o++ = (char)c;
    }
    while (o > out && o[-1] == ' ')
        o--;
    *o = '\0';
    return out;
}

/* The value of a Chinese numeral 1..99 (一 .. 九十九) at *p, advancing it; 0 if none. */
static int
zh_number(const char **p)
{
    static const char *const digits[] = {
        "一", "二", "三", "四", "五", "六", "七", "八", "九"
    };
    const char *s = *p;
    int n = 0, d = 0;
    bool any = false;

    for (;;) {
        size_t i;

        if (strncmp(s, "十", strlen("十")) == 0) {
            n += (d == 0 ? 1 : d) * 10;
            d = 0;
            s += strlen("十");
            any = true;
            continue;
        }
        for (i = 0; i < NELEM(digits); i++) {
            if (strncmp(s, digits[i], strlen(digits[i])) == 0)
                break;
        }
        if (i == NELEM(digits) || d != 0)
            break;
        d = (int)i + 1;
        s += strlen(digits[i]);
        any = true;
    }
    if (!any)
        return 0;
    *p = s;
    return n + d;
}

/* An article number 1..20 in any spelling of lesson.h; 0 when s is not one. */
static int
answer_article(const char *s)
{
    char *t = xmalloc(strlen(s) + 1), *o = t;
    const char *p;
    int n = 0;
    bool zh = false;

    /* lower case without spaces; trailing . ? ! 。 ？ dropped */
    for (p = s; *p != '\0'; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        *o++ = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    *o = '\0';
    for (;;) {
        size_t len = strlen(t);

        if (len > 0 && strchr(".?!", t[len - 1]) != NULL)
            t[len - 1] = '\0';
        else if (len >= 3 && (strcmp(t + len - 3, "。") == 0 || strcmp(t + len - 3, "？") == 0))
            t[len - 3] = '\0';
        else
            break;
    }
    p = t;
    if (strncmp(p, "article", 7) == 0)
        p += 7;
    else if (strncmp(p, "art", 3) == 0)
        p += 3;
    else if (p[0] == 'a' && p[1] >= '0' && p[1] <= '9')
        p += 1;
    else if (strncmp(p, "第", strlen("第")) == 0) {
        p += strlen("第");
        zh = true;
    }
    if (!zh && *p == '.')
        p++;
    if (*p >= '0' && *p <= '9') {
        while (*p >= '0' && *p <= '9' && n <= 100)
            n = n * 10 + (*p++ - '0');
    } else {
        n = zh_number(&p);
    }
    if (strncmp(p, "条", strlen("条")) == 0)
        p += strlen("条");
    /* a clause (13.2, 13(2)) names its article */
    if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    } else if (*p == '(' && p[1] >= '0' && p[1] <= '9') {
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
        if (*p == ')')
            p++;
        else
            n = 0;
    }
    if (*p != '\0' || n < 1 || n > LESSON_NARTICLES)
        n = 0;
    free(t);
    return n;
}

const char *
lesson_answer_canon(const char *s, char *buf, size_t size)
{
    char *trim = xstrdup(s), *t = str_trim(trim), *f;
    const char *found = NULL;
    size_t i;
    int art;

    if ((art = answer_article(t)) != 0) {
        free(trim);
        snprintf(buf, size, "%d", art);
        return buf;
    }
    for (i = 0; i < NELEM(answer_symbols) && found == NULL; i++) {
        if (strcmp(t, answer_symbols[i].sym) == 0)
            found = answer_symbols[i].outcome;
    }
    f = answer_fold(t);
    for (i = 0; i < NELEM(outcome_names) - 1 && found == NULL; i++) {
        char *name = answer_fold(outcome_names[i]);

        if (strcmp(f, name) == 0)
            found = outcome_names[i];
        free(name);
    }
    for (i = 0; i < NELEM(answer_words) && found == NULL; i++) {
        if (strcmp(f, answer_words[i].word) == 0)
            found = answer_words[i].outcome;
    }
    free(f);
    free(trim);
    if (found == NULL)
        return NULL;
    snprintf(buf, size, "%s", found);
    return buf;
}

bool
lesson_answer_matches(const char *given, const char *answer)
{
    char bg[16], ba[16], *fg, *fa;
    const char *cg, *ca;
    bool eq;

    if (given == NULL || answer == NULL)
        return false;
    cg = lesson_answer_canon(given, bg, sizeof bg);
    ca = lesson_answer_canon(answer, ba, sizeof ba);
    if (cg != NULL && ca != NULL)
        return strcmp(cg, ca) == 0;
    fg = answer_fold(given);
    fa = answer_fold(answer);
    eq = *fa != '\0' && strcmp(fg, fa) == 0;
    free(fg);
    free(fa);
    return eq;
}
