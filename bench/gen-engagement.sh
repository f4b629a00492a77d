#!/bin/sh
# SPDX-License-Identifier: MIT
# gen-engagement.sh - a generated engagement for tests and bench/audit: the
# compliant baseline deployment (rules/tests/compliant.fa.yaml) with S store
# sites and N devices in a CSV inventory, a few of them failing device rules
# (every 7th without signage, every 97th inside a changing room, every 13th
# with its signage's prominence unknown). Nothing is committed: the files are
# written to OUTDIR.
#
#   bench/gen-engagement.sh N OUTDIR [SITES]
#       -> OUTDIR/engagement.fa.yaml, OUTDIR/engagement.devices.csv
set -eu
n=${1:?usage: gen-engagement.sh N OUTDIR [SITES]}
out=${2:?usage: gen-engagement.sh N OUTDIR [SITES]}
sites=${3:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
sed '/^sites:/,$d' "$here/rules/tests/compliant.fa.yaml" |
    sed -e 's/^id: .*/id: engagement/' -e "s/^name: .*/name: Generated engagement of $n devices/" \
    >"$out/engagement.fa.yaml"
{
    echo "sites:"
    s=1
    while [ "$s" -le "$sites" ]; do
        cat <<YAML
  - id: store-$s
    name: Store $s
    place: public_place
    public_safety_need: true
    zones:
      - id: store-$s-entrance
        location: entrance
        collection_area_defined: true
        captures: presenting
        signage: {present: true, prominent: true}
YAML
        s=$((s + 1))
    done
    echo "inventory: engagement.devices.csv"
} >>"$out/engagement.fa.yaml"
awk -v n="$n" -v sites="$sites" 'BEGIN {
    print "id,site,zone,identifies_people,stores_faces,installed,location,signage.present,signage.prominent"
    for (i = 1; i <= n; i++) {
        s = (i - 1) % sites + 1
        loc = (i % 97 == 0) ? "changing_room" : ""
        pres = (i % 7 == 0) ? "false" : ""
        prom = (i % 13 == 0) ? "unknown" : ""
        printf "cam-%07d,store-%d,store-%d-entrance,true,true,2025-06-15,%s,%s,%s\n", i, s, s, loc, pres, prom
    }
}' >"$out/engagement.devices.csv"
