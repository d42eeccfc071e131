/* The first link pass's empty symbol table (tools/kallsyms.py fills the second). */
	.section ".kallsyms", "a"
	.align	2
	.globl	kallsyms_num_syms, kallsyms_addresses, kallsyms_sizes, kallsyms_offsets, kallsyms_names
kallsyms_num_syms:
	.word	0
kallsyms_addresses:
kallsyms_sizes:
kallsyms_offsets:
kallsyms_names:
	.word	0
