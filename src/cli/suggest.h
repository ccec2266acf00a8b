/* SPDX-License-Identifier: MIT */
/*
 * "Did you mean": the closest of a few known words to a word the user typed (an unknown
 * group, verb or option), by optimal-string-alignment edit distance, as git and cargo
 * suggest. Close means at most 2 edits and fewer edits than the word has letters, or one
 * word being a prefix of the other ("images" -> "image"); a word of one or two letters that
 * begins exactly one of them names it (iproute2's abbreviations: "sh" -> "show").
 */
#ifndef HK_SUGGEST_H
#define HK_SUGGEST_H

#include <stddef.h>

/* The closest of cands[0..n) to word[0..len), or NULL when none is close. */
const char *suggest(const char *word, size_t len, const char *const *cands, size_t n);

#endif
