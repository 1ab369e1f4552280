#!/bin/sh
# Replays the option-parser fuzzing corpus (NUL-separated argument vectors)
# through the libFuzzer entry point of tests/fuzz/fuzz_cli.c, in a temporary
# directory (the harness's output checks create and remove files there).
set -u
prog=$(cd "${top_builddir:-.}/tests/fuzz" && pwd)/replay_cli
src=$(cd "${top_srcdir:-.}" && pwd)
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
"$prog" "$src"/tests/fuzz/corpus_cli/* > out.log 2>&1
rc=$?
tail -1 out.log
exit $rc
