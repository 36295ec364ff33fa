/* SPDX-License-Identifier: GPL-2.0 */
/*
 * list.h - ListNode: an intrusive doubly linked list, as the kernel's
 * list_head.  The owner of a list guards it; nothing here locks.
 */
#ifndef _NTWQ_LIB_LIST_H
#define _NTWQ_LIB_LIST_H

namespace ntwq {

struct ListNode {
	ListNode *next;
	ListNode *prev;

	void Init() noexcept { next = prev = this; }
	bool Empty() const noexcept { return next == this; }
	/* Links @node before this head, at the tail of the list. */
	void InsertTail(ListNode *node) noexcept
	{
		node->prev = prev;
		node->next = this;
		prev->next = node;
		prev = node;
	}
	/* Unlinks this node and leaves it pointing at itself. */
	void Remove() noexcept
	{
		prev->next = next;
		next->prev = prev;
		Init();
	}
};

/* The object of type T whose ListNode member M is at @node. */
#define NTWQ_CONTAINER_OF(node, T, M) \
	reinterpret_cast<T *>(reinterpret_cast<char *>(node) - __builtin_offsetof(T, M))

} /* namespace ntwq */

#endif /* _NTWQ_LIB_LIST_H */
