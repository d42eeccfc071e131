/*
 * syscalls.c - the little glue newlib needs from an operating system. pimm uses newlib only for
 * string and number functions and setjmp/longjmp; output goes through printk, so most of these
 * only report that the facility does not exist. Writes to stdout/stderr go to the console
 * (linux/console.h).
 */
#include <errno.h>
#include <sys/stat.h>
#include <linux/console.h>
#include <linux/kernel.h>
#include <linux/reboot.h>

#undef errno
extern int errno;

int _write(int fd, const char *buf, int len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, len);
	return len;
}

void *_sbrk(ptrdiff_t incr)
{
	(void)incr;
	errno = ENOMEM; /* no malloc in the kernel: memblock, buddy and slab allocate */
	return (void *)-1;
}

int _read(int fd, char *buf, int len)
{
	(void)fd, (void)buf, (void)len;
	errno = ENOSYS;
	return -1;
}

int _close(int fd)
{
	(void)fd;
	return -1;
}

int _fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR;
	return 0;
}

int _isatty(int fd)
{
	(void)fd;
	return 1;
}

int _lseek(int fd, int off, int whence)
{
	(void)fd, (void)off, (void)whence;
	return 0;
}

void _exit(int status)
{
	(void)status;
	machine_power_off();
}

int _kill(int pid, int sig)
{
	(void)pid, (void)sig;
	errno = EINVAL;
	return -1;
}

int _getpid(void)
{
	return 1;
}
