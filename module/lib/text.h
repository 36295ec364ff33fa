/* SPDX-License-Identifier: GPL-2.0 */
/*
 * text.h - TextBuffer: appends formatted text to a fixed buffer, and Words:
 * splits a command line into whitespace-separated words in place.
 */
#ifndef _NTWQ_LIB_TEXT_H
#define _NTWQ_LIB_TEXT_H

#include "bridge/bridge.h"
#include "cxx.h"

namespace ntwq {

class TextBuffer {
public:
	TextBuffer(char *buf, size_t cap) noexcept : buf_(buf), cap_(cap), len_(0)
	{
		if (cap_)
			buf_[0] = '\0';
	}

	/* Appends; text beyond the capacity is cut off and Truncated() says so. */
	template <class... Args>
	NTWQ_ALWAYS_INLINE void Printf(const char *fmt, Args... args) noexcept
	{
		if (len_ >= cap_)
			return;
		int n = ntwq_snprintf(buf_ + len_, cap_ - len_, fmt, args...);
		if (n < 0)
			return;
		len_ += static_cast<size_t>(n);
		if (len_ >= cap_)
			len_ = cap_;
	}
	bool Truncated() const noexcept { return len_ >= cap_; }

private:
	char *buf_;
	size_t cap_;
	size_t len_;
};

/* Splits a writable, NUL-terminated line; at most kMax words are kept. */
class Words {
public:
	static constexpr int kMax = 8;

	explicit Words(char *line) noexcept : count_(0), overflow_(false)
	{
		char *p = line;
		for (;;) {
			while (*p == ' ' || *p == '\t' || *p == '\n')
				*p++ = '\0';
			if (!*p)
				break;
			if (count_ == kMax) {
				overflow_ = true;
				break;
			}
			words_[count_++] = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n')
				p++;
		}
	}

	int Count() const noexcept { return count_; }
	bool Overflow() const noexcept { return overflow_; }
	const char *operator[](int i) const noexcept { return i < count_ ? words_[i] : ""; }

private:
	const char *words_[kMax];
	int count_;
	bool overflow_;
};

inline bool StrEq(const char *a, const char *b) noexcept
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

} /* namespace ntwq */

#endif /* _NTWQ_LIB_TEXT_H */
