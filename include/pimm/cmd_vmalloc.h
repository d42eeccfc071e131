/*
 * cmd_vmalloc.h - the vmalloc parts of the shared `torture` and `bench` commands
 * (kernel/shell/cmd_vmalloc.c), which kernel/shell/cmd_torture.c dispatches to:
 *
 *   torture vmalloc N [SEED]  -> cmd_torture_vmalloc(argc - 1, argv + 1)
 *   bench vmalloc [N]         -> cmd_bench_vmalloc(argc - 1, argv + 1)
 *
 * argv[0] is "vmalloc" in both.
 */
#ifndef _PIMM_CMD_VMALLOC_H
#define _PIMM_CMD_VMALLOC_H

int cmd_torture_vmalloc(int argc, char **argv);
int cmd_bench_vmalloc(int argc, char **argv);

#endif
