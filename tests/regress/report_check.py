# SPDX-License-Identifier: MIT
# report_check.py - structural checks of faceaudit's report formats, for
# tests/regress/report.sh: JSON and SARIF against their JSON Schemas
# (python3-jsonschema), CSV against RFC 4180 with one row per finding,
# JUnit and HTML as well-formed documents with the counts of the JSON result.
# Usage: report_check.py KIND FILE [JSON_RESULT] [SCHEMA]
# Exit 0 ok, 1 check failed, 77 validator missing (the caller skips visibly).
import csv
import json
import sys
import xml.etree.ElementTree as ET

kind, path = sys.argv[1], sys.argv[2]
result = json.load(open(sys.argv[3], encoding="utf-8")) if len(sys.argv) > 3 else None


def die(msg):
    print("%s: %s" % (path, msg))
    sys.exit(1)


def validate(doc, schema_path, draft):
    try:
        import jsonschema
    except ImportError:
        print("python3-jsonschema is not installed: schema validation skipped")
        sys.exit(77)
    schema = json.load(open(schema_path, encoding="utf-8"))
    cls = jsonschema.Draft4Validator if draft == 4 else jsonschema.Draft7Validator
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:5]:
        print("%s: %s at %s" % (path, e.message, "/".join(str(p) for p in e.path)))
    if errors:
        sys.exit(1)


if kind == "json":
    validate(json.load(open(path, encoding="utf-8")), sys.argv[4], 7)
elif kind == "sarif":
    doc = json.load(open(path, encoding="utf-8"))
    validate(doc, sys.argv[4], 4)
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
elif kind == "csv":
    raw = open(path, "rb").read()
    if b"\r\n" not in raw or raw.replace(b"\r\n", b"").count(b"\n") > raw.count(b'"\n'):
        pass
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
        if abs(float(row["score"]) - result["score"]["with_waivers"]) > 0.01:
            die("score column differs from the result")
elif kind == "junit":
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
elif kind == "html":
    text = open(path, encoding="utf-8").read()
    low = text.lower()
    if "<script" in low or "http://" in low or "https://" in low or "@import" in low:
        die("contains a script or a URL")
    if low.count('class="article"') < 20:
        die("fewer than 20 article sections")
    if "without waivers" not in low:
        die("no score without waivers")
else:
    die("unknown kind " + kind)
