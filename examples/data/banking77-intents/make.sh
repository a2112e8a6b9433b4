#!/usr/bin/env bash
# Splits BANKING77 (../../../../shared/data/banking77, CC BY 4.0, PolyAI) by intent for the ArcFace
# recipe of docs/recipes.md, so that settings are chosen on training data and the cost on intents a
# model never saw is measured:
#   - the 77 intent names sorted (C locale); every 5th (positions 5, 10, …, 75: 15 intents) is "unseen",
#     the other 62 are "seen";
#   - train.jsonl, per intent in file order: a seen intent's 10th, 20th, … row goes to seen-dev.jsonl, the
#     others to seen-train.jsonl; an unseen intent's odd rows (1st, 3rd, …) to unseen-support.jsonl, its even
#     rows to unseen-query.jsonl, and all of them to unseen-train.jsonl;
#   - test.jsonl: seen-test.jsonl and unseen-test.jsonl (for the final figures only, never for settings).
# Rows are copied byte for byte. Rerun from this folder: ./make.sh [BANKING77_DIR]
set -euo pipefail
cd "$(dirname "$0")"
source_dir=${1:-../../../../shared/data/banking77}
label_of='match($0, /"label": *"[^"]*"/) { label = substr($0, RSTART, RLENGTH); sub(/^"label": *"/, "", label); sub(/"$/, "", label) }'
LC_ALL=C awk "$label_of { print label }" "$source_dir/train.jsonl" | LC_ALL=C sort -u > intents.txt
[ "$(wc -l < intents.txt)" -eq 77 ] || { echo "$source_dir/train.jsonl: expected 77 intents, found $(wc -l < intents.txt)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LC_ALL=C awk -v out="$tmp" "
    FNR == NR { unseen[\$0] = (FNR % 5 == 0); next }
    $label_of
    !(label in unseen) { print FILENAME \": line \" FNR \": intent '\" label \"' is not in train.jsonl\" > \"/dev/stderr\"; exit 1 }
    FILENAME ~ /train.jsonl\$/ {
        n = ++count[label]
        if (unseen[label]) { print > (out \"/unseen-train.jsonl\"); print > (out (n % 2 ? \"/unseen-support.jsonl\" : \"/unseen-query.jsonl\")) }
        else print > (out (n % 10 == 0 ? \"/seen-dev.jsonl\" : \"/seen-train.jsonl\"))
        next
    }
    { print > (out (unseen[label] ? \"/unseen-test.jsonl\" : \"/seen-test.jsonl\")) }
" intents.txt "$source_dir/train.jsonl" "$source_dir/test.jsonl"
mv "$tmp"/*.jsonl .
wc -l ./*.jsonl
