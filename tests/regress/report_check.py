# SPDX-License-Identifier: MIT
# report_check.py - structural checks of faceaudit's report formats, for
# tests/regress/report.sh: JSON and SARIF against their JSON Schemas
# (python3-jsonschema), CSV against RFC 4180 with one row per finding,
# JUnit and HTML as well-formed documents with the counts of the JSON result.
# Usage: report_check.py LIST, LIST holding lines "KIND FILE [JSON_RESULT [SCHEMA]]"
# (one Python start for every file: the checks are cheap, the start is not).
# Prints "ok: KIND FILE" or "FAIL: KIND FILE: why" per line, "SKIP-PART: why"
# when a validator is missing; exit 0 when nothing failed, else 1.
import csv
import json
import sys
import xml.etree.ElementTree as ET


class Failed(Exception):
    pass


class Skipped(Exception):
    pass


def die(msg):
    raise Failed(msg)


validators = {}


def validate(doc, schema_path, draft):
    try:
        import jsonschema
    except ImportError:
        raise Skipped("python3-jsonschema is not installed: schema validation skipped")
    if schema_path not in validators:
        schema = json.load(open(schema_path, encoding="utf-8"))
        cls = jsonschema.Draft4Validator if draft == 4 else jsonschema.Draft7Validator
        cls.check_schema(schema)
        validators[schema_path] = cls(schema)
    errors = sorted(validators[schema_path].iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        die("; ".join("%s at /%s" % (e.message[:200], "/".join(str(p) for p in e.path))
                      for e in errors[:3]))


def check(kind, path, result, schema):
    if kind == "json":
        check_json(path, schema)
    else:
        globals()["check_" + kind](path, result, schema)


def check_json(path, schema):
    validate(json.load(open(path, encoding="utf-8")), schema, 7)


def check_sarif(path, result, schema):
    doc = json.load(open(path, encoding="utf-8"))
    validate(doc, schema, 4)
    run = doc["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    if len(ids) != result["rule_pack"]["rules"]:
        die("%d rules declared, the pack has %d" % (len(ids), result["rule_pack"]["rules"]))
    res = [r for r in run["results"] if r.get("baselineState") != "absent"]
    if len(res) != len(result["findings"]):
        die("%d results for %d findings" % (len(res), len(result["findings"])))
    for r, f in zip(res, result["findings"]):
        if r["ruleId"] != f["rule"] or ids[r["ruleIndex"]] != f["rule"]:
            die("result %s does not match finding %s" % (r["ruleId"], f["rule"]))
        if (r["kind"] == "fail") != (f["outcome"] in ("fail", "waived")):
            die("%s: kind %s for outcome %s" % (f["rule"], r["kind"], f["outcome"]))
        if r["kind"] != "fail" and r["level"] != "none":
            die("%s: level %s on a %s result" % (f["rule"], r["level"], r["kind"]))
        # the decisive location is a fact the finding read
        for loc in r["locations"]:
            pl = loc.get("physicalLocation")
            if pl is not None:
                where = "%s:%d" % (pl["artifactLocation"]["uri"], pl["region"]["startLine"])
                if not any(x["where"] and x["where"].startswith(where + ":")
                           for x in f["facts"]):
                    die("%s: location %s is not a fact it read" % (f["rule"], where))


def check_csv(path, result, schema):
    raw = open(path, "rb").read()
    if not raw.startswith(b"scenario,") or b"\r\n" not in raw:
        die("no header row or no CRLF line ends")
    rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
    header, body = rows[0], rows[1:]
    if any(len(r) != len(header) for r in body):
        die("rows with a different number of fields than the header")
    if len(body) != len(result["findings"]):
        die("%d rows for %d findings" % (len(body), len(result["findings"])))
    for r, f in zip(body, result["findings"]):
        row = dict(zip(header, r))
        if row["rule"] != f["rule"] or row["outcome"] != f["outcome"]:
            die("row %s/%s does not match finding %s/%s" % (row["rule"], row["outcome"],
                                                           f["rule"], f["outcome"]))
        if result["score"]["no_score"] is not None:
            if row["score"] != "" or row["grade"] != "" or \
                    row["no_score"] != result["score"]["no_score"]:
                die("an unscored result has a score or lacks the reason")
        elif abs(float(row["score"]) - result["score"]["with_waivers"]) > 0.01:
            die("score column differs from the result")


def check_junit(path, result, schema):
    root = ET.parse(path).getroot()
    cases = root.findall(".//testcase")
    if len(cases) != len(result["findings"]):
        die("%d test cases for %d findings" % (len(cases), len(result["findings"])))
    nfail = len(root.findall(".//testcase/failure"))
    if nfail != result["counts"]["fail"] or int(root.get("failures")) != nfail:
        die("%d failures for %d failing findings" % (nfail, result["counts"]["fail"]))
    nskip = len(root.findall(".//testcase/skipped"))
    want = sum(result["counts"][k] for k in ("not_applicable", "needs_evidence", "waived"))
    if nskip != want:
        die("%d skipped for %d n/a, needs-evidence or waived findings" % (nskip, want))


def check_html(path, result, schema):
    text = open(path, encoding="utf-8").read()
    low = text.lower()
    if "<script" in low or "http://" in low or "https://" in low or "@import" in low:
        die("contains a script or a URL")
    if low.count('class="article"') < 20:
        die("fewer than 20 article sections")
    if result["score"]["no_score"] is not None:
        if "no score" not in low:
            die("an unscored result does not say so")
    elif "without waivers" not in low:
        die("no score without waivers")


failed = 0
for line in open(sys.argv[1], encoding="utf-8"):
    f = line.split()
    if not f:
        continue
    kind, path = f[0], f[1]
    try:
        result = json.load(open(f[2], encoding="utf-8")) if len(f) > 2 else None
        check(kind, path, result, f[3] if len(f) > 3 else None)
        print("ok: %s %s" % (kind, path))
    except Skipped as e:
        print("SKIP-PART: %s %s: %s" % (kind, path, e))
    except (Failed, Exception) as e:
        failed += 1
        print("FAIL: %s %s: %s" % (kind, path, e))
sys.exit(1 if failed else 0)