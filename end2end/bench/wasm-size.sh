#!/usr/bin/env bash
# Prints the size of a Leptos wasm build as the browser gets it, for each
# `name=path/to/raw.wasm` argument (cargo's output, before wasm-bindgen), then
# each one's ratio to the first. Every build goes through the same steps as in
# `cargo leptos build --release` (wasm-bindgen --target web, then wasm-opt
# with cargo-leptos's default arguments) except the JS minifier, skipped for
# all alike. Sizes in bytes, gzip at -9.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
first=""
for arg in "$@"; do
  name=${arg%%=*}
  wasm=${arg#*=}
  out="$work/$name"
  wasm-bindgen --target web --out-dir "$out" --out-name app "$wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$out/app_bg.wasm" -o "$out/app.wasm"
  wasm_raw=$(wc -c < "$out/app.wasm")
  wasm_gz=$(gzip -9 -c "$out/app.wasm" | wc -c)
  js_raw=$(wc -c < "$out/app.js")
  js_gz=$(gzip -9 -c "$out/app.js" | wc -c)
  total=$((wasm_gz + js_gz))
  printf '%-14s wasm %8d B (%7d gzip)   JS %6d B (%5d gzip)   wasm + JS %7d B gzip' \
    "$name" "$wasm_raw" "$wasm_gz" "$js_raw" "$js_gz" "$total"
  if [ -z "$first" ]; then
    first=$total
    echo
  else
    awk -v t="$total" -v f="$first" 'BEGIN { printf "   (%.2f x)\n", t / f }'
  fi
done
