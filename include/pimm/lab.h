/*
 * lab.h - what a student tree prints where an exercise is not written yet (labs/README.md).
 *
 * The reference source marks each exercise with LAB markers (labs/README.md, "How a student
 * tree is made"): the solution between BEGIN and TODO, and a TODO body that tools/mklab puts in
 * its place. A TODO body calls lab_todo first, so a student tree boots and says what is
 * missing instead of crashing:
 *
 *	buddy: __free_one_page not implemented (lab6)
 *
 * The reference kernel never calls lab_todo (its TODO bodies are comments).
 */
#ifndef _PIMM_LAB_H
#define _PIMM_LAB_H

#include <linux/printk.h>
#include <linux/types.h>

/*
 * lab_todo - report, once per call site, that @fn of subsystem @subsys is an exercise of lab
 * @lab not written yet. Safe from any CPU (two CPUs may both print it: harmless).
 */
#define lab_todo(lab, subsys, fn)                                                                  \
	do {                                                                                       \
		static bool __lab_todo_done;                                                       \
		if (!__lab_todo_done) {                                                            \
			__lab_todo_done = true;                                                    \
			printk(KERN_ERR "%s: %s not implemented (lab%d)\n", subsys, fn, lab);      \
		}                                                                                  \
	} while (0)

#endif /* _PIMM_LAB_H */
