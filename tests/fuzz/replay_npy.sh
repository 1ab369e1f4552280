#!/bin/sh
# Replays the .npy-reader fuzzing corpus through the libFuzzer entry point of
# tests/fuzz/fuzz_npy.c.
exec "${top_builddir:-.}/tests/fuzz/replay_npy" "${top_srcdir:-.}"/tests/fuzz/corpus_npy/*
