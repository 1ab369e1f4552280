/* apps/bench.h: subcommands of qclr-bench, one file each (apps/bench_<name>.c).
 * Each takes the arguments after the subcommand name and returns an exit status. */
#ifndef QCLR_BENCH_H
#define QCLR_BENCH_H

#include <stddef.h>

/* one declaration per subcommand, added with its file */
int bench_fcidump(int argc, char **argv);
int bench_factor(int argc, char **argv);
int bench_fci(int argc, char **argv);
int bench_groups(int argc, char **argv);
int bench_tt(int argc, char **argv);
int bench_scale(int argc, char **argv);
int bench_contention(int argc, char **argv);

/* apps/bench_child.c: run fn(arg, res) in a forked child and copy the size
 * bytes of *res back.  0, or -1 if the child failed or sent less; *maxrss_kb
 * (if not NULL) = the child's peak RSS in KiB. */
int bench_in_child(void (*fn)(const void *arg, void *res), const void *arg, void *res, size_t size,
                   long *maxrss_kb);

#endif
