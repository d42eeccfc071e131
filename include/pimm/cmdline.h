/*
 * cmdline.h - splitting command lines in place (lib/cmdline.c): the kernel command line
 * (Linux's next_arg and parse_option_str) and the shell's input line (cmdline_split).
 */
#ifndef _PIMM_CMDLINE_H
#define _PIMM_CMDLINE_H

#include <linux/types.h>

/* Return @s advanced past spaces, tabs and newlines. */
char *skip_spaces(const char *s);
/* Cut the next "param[=value]" off @args (Linux's boot-parameter syntax, quotes stripped);
 * *val is NULL without '='. Returns the rest of the line, spaces skipped. */
char *next_arg(char *args, char **param, char **val);
/* Split a shell line in place into at most @max words; double quotes group words.
 * Returns argc, -E2BIG when there are more than @max words, -EINVAL on an open quote. */
int cmdline_split(char *line, char **argv, int max);
/* True when the comma-separated list @str contains @option as a whole item. */
bool parse_option_str(const char *str, const char *option);

#endif
