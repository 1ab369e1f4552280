/* apps/bench.h: subcommands of qclr-bench, one file each (apps/bench_<name>.c).
 * Each takes the arguments after the subcommand name and returns an exit status. */
#ifndef QCLR_BENCH_H
#define QCLR_BENCH_H

/* one declaration per subcommand, added with its file */
int bench_fcidump(int argc, char **argv);
int bench_factor(int argc, char **argv);
int bench_fci(int argc, char **argv);
int bench_groups(int argc, char **argv);
int bench_tt(int argc, char **argv);
int bench_scale(int argc, char **argv);

#endif
