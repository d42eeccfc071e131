/*
 * cmdline.c - in-place command-line splitting with no kernel state (include/pimm/cmdline.h).
 *
 * next_arg and parse_option_str follow Linux's boot-parameter rules, used by
 * kernel/params.c for the DTB's /chosen/bootargs; cmdline_split tokenises a shell line for
 * kernel/shell. Everything works in the caller's buffer: separators become NULs.
 */
#include <errno.h>
#include <string.h>
#include <pimm/cmdline.h>
#include <pimm/lab.h>

/* True for the blanks that separate command-line words (as Linux's isspace). */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Return @s advanced past blanks. */
char *skip_spaces(const char *s)
{
	while (is_blank(*s))
		s++;
	return (char *)s;
}

/*
 * Cut one boot parameter off @args: "param", "param=value", "param=\"a b\"" or
 * "\"param=a b\"". The word ends at the first blank outside double quotes. Quotes that
 * open the value (or the whole word) are removed together with the closing quote when it
 * ends the word. An '=' in the first position does not start a value (as on Linux).
 */
char *next_arg(char *args, char **param, char **val)
{
	bool in_quote = false, quoted = false;
	size_t i, eq = 0;

	args = skip_spaces(args);
	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i] && (in_quote || !is_blank(args[i])); i++) {
		if (eq == 0 && args[i] == '=')
			eq = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	*val = NULL;
	if (eq) {
		args[eq] = '\0';
		*val = args + eq + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i])
		args[i++] = '\0';
	return skip_spaces(args + i);
}

/*
 * Split @line in place into words separated by spaces/tabs; a double-quoted stretch belongs
 * to the current word with the quotes removed ("a b"c is the word `a bc`, "" an empty word).
 * argv[argc] is set to NULL when there is room. Returns argc, -E2BIG or -EINVAL.
 */
int cmdline_split(char *line, char **argv, int max)
{
	/* LAB0 BEGIN */
	char *src = line, *dst;
	int argc = 0;

	for (;;) {
		bool in_quote = false;

		while (*src == ' ' || *src == '\t')
			src++;
		if (!*src)
			break;
		if (argc >= max)
			return -E2BIG;
		argv[argc++] = dst = src;
		for (; *src && (in_quote || (*src != ' ' && *src != '\t')); src++) {
			if (*src == '"')
				in_quote = !in_quote;
			else
				*dst++ = *src;
		}
		if (in_quote)
			return -EINVAL;
		if (*src)
			src++;
		*dst = '\0';
	}
	if (argc < max)
		argv[argc] = NULL;
	return argc;
	/* LAB0 TODO
	lab_todo(0, "shell", "cmdline_split");
	// Until it is written, only the first word is cut: commands run without their arguments.
	line = skip_spaces(line);
	if (!*line || max < 1)
		return 0;
	argv[0] = line;
	while (*line && *line != ' ' && *line != '\t')
		line++;
	*line = '\0';
	return 1;
	*/
	/* LAB0 END */
}

/* Linux's parse_option_str: walk the comma-separated items of @str looking for @option. */
bool parse_option_str(const char *str, const char *option)
{
	size_t len = strlen(option);

	while (*str) {
		if (!strncmp(str, option, len) && (str[len] == '\0' || str[len] == ','))
			return true;
		while (*str && *str != ',')
			str++;
		if (*str == ',')
			str++;
	}
	return false;
}
