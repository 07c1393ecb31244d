#!/usr/bin/env bash
# Fuzzes the MIME parser with libFuzzer (swiftc -sanitize=fuzzer) and the address sanitizer,
# starting from the test fixtures. Usage: Fuzz/run-mime-fuzzer.sh [seconds] (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
out=.build/fuzz
mkdir -p "$out/corpus"
cp Tests/ShopdeskMailTests/Fixtures/*.eml "$out/corpus/"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name ShopdeskMailFuzz \
  Sources/ShopdeskMail/*.swift Fuzz/FuzzMIME.swift -o "$out/fuzz-mime"
"$out/fuzz-mime" "$out/corpus" -max_total_time="$seconds" -max_len=65536 -timeout=5 -print_final_stats=1
