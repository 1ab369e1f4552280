#!/bin/sh
# Replays the FCIDUMP fuzzing corpus through the libFuzzer entry point.
exec "${top_builddir:-.}/tests/fuzz/replay_fcidump" "${top_srcdir:-.}"/tests/fuzz/corpus/*
