#!/bin/sh
# Replays the decimal-parser corpus through the differential libFuzzer entry
# point of tests/fuzz/fuzz_parse_double.c (traps when qclr's parser and strtod
# disagree).
exec "${top_builddir:-.}/tests/fuzz/replay_parse_double" "${top_srcdir:-.}"/tests/fuzz/corpus_parse_double/*
