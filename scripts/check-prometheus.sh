#!/usr/bin/env bash
# promtool on the repo's Prometheus files: the rules, the config's syntax, and the full config
# with its container paths mapped into the repo (the token file is written at container start).
set -euo pipefail
cd "$(dirname "$0")/.."
promtool check rules prometheus/*.yml
promtool check config --syntax-only prometheus.yml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'token' >"$work/metrics-token"
sed -e "s#/etc/prometheus/rules/#$PWD/prometheus/#" -e "s#/prometheus/metrics-token#$work/metrics-token#" prometheus.yml >"$work/prometheus.yml"
promtool check config "$work/prometheus.yml"
