// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs.c - bridge to debugfs and seq_file.
 *
 * C++ cannot build a struct file_operations, so the two kinds of file ntwq
 * needs are glued here: a read-only file whose text a C++ show function
 * prints, and a command file that hands each write to a C++ run function and
 * returns its result text on read.  Policy (what the files say, which
 * commands exist) stays on the C++ side.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "bridge.h"

static int ntwq_show_single(struct seq_file *seq, void *unused)
{
	const struct ntwq_show_ops *ops = seq->private;

	return ops->show(seq, ops->data);
}

static int ntwq_show_open(struct inode *inode, struct file *file)
{
	return single_open(file, ntwq_show_single, inode->i_private);
}

static const struct file_operations ntwq_show_fops = {
	.owner = THIS_MODULE,
	.open = ntwq_show_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/* Per-open state of a command file: the result of the last command. */
struct ntwq_command_file {
	const struct ntwq_command_ops *ops;
	size_t len;
	char result[NTWQ_COMMAND_RESULT_MAX];
};

static int ntwq_command_open(struct inode *inode, struct file *file)
{
	struct ntwq_command_file *cf;

	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	cf->ops = inode->i_private;
	file->private_data = cf;
	return nonseekable_open(inode, file);
}

static ssize_t ntwq_command_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct ntwq_command_file *cf = file->private_data;
	char cmd[NTWQ_COMMAND_MAX];
	int ret;

	if (count >= sizeof(cmd))
		return -E2BIG;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	if (count && cmd[count - 1] == '\n')
		cmd[count - 1] = '\0';

	cf->result[0] = '\0';
	ret = cf->ops->run(cf->ops->data, cmd, cf->result, sizeof(cf->result));
	cf->result[sizeof(cf->result) - 1] = '\0';
	cf->len = strlen(cf->result);
	/* The next read of this open file starts at this result's beginning. */
	*ppos = 0;
	return ret ? ret : count;
}

static ssize_t ntwq_command_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct ntwq_command_file *cf = file->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, cf->result, cf->len);
}

static int ntwq_command_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations ntwq_command_fops = {
	.owner = THIS_MODULE,
	.open = ntwq_command_open,
	.read = ntwq_command_read,
	.write = ntwq_command_write,
	.release = ntwq_command_release,
};

/**
 * ntwq_debugfs_create_dir - debugfs_create_dir().
 * @name: directory name.
 * @parent: parent directory, or NULL for the debugfs root.
 *
 * Context: process context.
 * Return: the directory or an ERR_PTR (see ntwq_debugfs_valid()).
 */
struct dentry *ntwq_debugfs_create_dir(const char *name, struct dentry *parent)
{
	return debugfs_create_dir(name, parent);
}

/**
 * ntwq_debugfs_create_show - a root-readable file printed by @ops->show.
 * @name: file name.
 * @parent: directory.
 * @ops: show function and its data; must outlive the file.
 *
 * Context: process context.
 * Return: the file or an ERR_PTR.
 */
struct dentry *ntwq_debugfs_create_show(const char *name, struct dentry *parent,
					const struct ntwq_show_ops *ops)
{
	return debugfs_create_file(name, 0400, parent, (void *)ops,
				   &ntwq_show_fops);
}

/**
 * ntwq_debugfs_create_command - a root-only command file run by @ops->run.
 * @name: file name.
 * @parent: directory.
 * @ops: run function and its data; must outlive the file.
 *
 * A write longer than NTWQ_COMMAND_MAX - 1 bytes fails with -E2BIG before
 * anything runs.  Each open file keeps the result of its last command.
 *
 * Context: process context.
 * Return: the file or an ERR_PTR.
 */
struct dentry *ntwq_debugfs_create_command(const char *name,
					   struct dentry *parent,
					   const struct ntwq_command_ops *ops)
{
	return debugfs_create_file(name, 0600, parent, (void *)ops,
				   &ntwq_command_fops);
}

static ssize_t ntwq_switch_read(struct file *file, char __user *ubuf, size_t count,
				loff_t *ppos)
{
	const bool *value = file->private_data;
	char text[2] = { READ_ONCE(*value) ? 'Y' : 'N', '\n' };

	return simple_read_from_buffer(ubuf, count, ppos, text, sizeof(text));
}

static ssize_t ntwq_switch_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	bool *value = file->private_data;
	bool on;
	int ret;

	/* Unlike debugfs_create_bool(), bad input is an error, not ignored. */
	ret = kstrtobool_from_user(ubuf, count, &on);
	if (ret)
		return ret;
	WRITE_ONCE(*value, on);
	return count;
}

static const struct file_operations ntwq_switch_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = ntwq_switch_read,
	.write = ntwq_switch_write,
	.llseek = default_llseek,
};

/**
 * ntwq_debugfs_create_switch - a root-only read-write file over a bool.
 * @name: file name.
 * @parent: its directory.
 * @value: the switch: reads "Y"/"N"; writes take kstrtobool() input
 *         ("1"/"0", "y"/"n", "on"/"off") and fail with -EINVAL on anything
 *         else.
 *
 * Context: process context.
 */
void ntwq_debugfs_create_switch(const char *name, struct dentry *parent, bool *value)
{
	debugfs_create_file(name, 0600, parent, value, &ntwq_switch_fops);
}

/**
 * ntwq_debugfs_remove - debugfs_remove(): a file, or a directory recursively.
 * @dentry: what to remove; NULL and ERR_PTRs are ignored.
 *
 * Context: process context.  Waits for open files' operations to finish.
 */
void ntwq_debugfs_remove(struct dentry *dentry)
{
	debugfs_remove(dentry);
}

/**
 * ntwq_debugfs_valid - !IS_ERR_OR_NULL() on a debugfs dentry.
 * @dentry: a dentry from one of the create functions.
 *
 * Context: any context.
 * Return: true if @dentry is a real file or directory.
 */
bool ntwq_debugfs_valid(struct dentry *dentry)
{
	return !IS_ERR_OR_NULL(dentry);
}

/**
 * ntwq_seq_printf - seq_vprintf().
 * @seq: the file being shown.
 * @fmt: printk-style format.
 *
 * Context: inside a show function.
 */
void ntwq_seq_printf(struct seq_file *seq, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	seq_vprintf(seq, fmt, args);
	va_end(args);
}
