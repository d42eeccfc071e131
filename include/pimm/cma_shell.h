/*
 * cma_shell.h - what kernel/shell/cmd_cma.c (the `cma` commands, CMA allocation after the
 * boot pipeline: kernel/mm/cma_alloc.c) offers the other shell files: the `bench cma` body,
 * which cmd_torture.c's `bench` dispatches to.
 */
#ifndef _PIMM_CMA_SHELL_H
#define _PIMM_CMA_SHELL_H

/* `bench cma [N]`: cma_alloc+cma_release of 1 MiB, without and with migration (argv[0] "cma"). */
int cmd_bench_cma(int argc, char **argv);

#endif
