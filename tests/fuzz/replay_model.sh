#!/bin/sh
# Replays the model-parser fuzzing corpus (model descriptions and xyz files)
# through the libFuzzer entry point of tests/fuzz/fuzz_model.c.
exec "${top_builddir:-.}/tests/fuzz/replay_model" "${top_srcdir:-.}"/tests/fuzz/corpus_model/*
