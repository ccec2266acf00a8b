// SPDX-License-Identifier: MIT
#include "suggest.h"

#include <stdbool.h>
#include <string.h>

#define WORD_MAX 64

/* Edit distance with adjacent transpositions (optimal string alignment). */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[WORD_MAX + 1][WORD_MAX + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* iproute2's abbreviations (`addr sh`, `ro`): the candidate a short word begins, when one
 * does or the others only extend it (`im`: image, images); *ret_many when several unrelated
 * ones do (`link s`: set or show, no guess). */
static const char *abbreviated(const char *word, size_t len, const char *const *cands, size_t n,
			       bool *ret_many)
{
	const char *one = NULL;
	*ret_many = false;
	for (size_t i = 0; i < n; i++) /* the shortest candidate it begins */
		if (!strncmp(word, cands[i], len) && strlen(cands[i]) > len &&
		    (!one || strlen(cands[i]) < strlen(one)))
			one = cands[i];
	for (size_t i = 0; one && i < n; i++)
		if (!strncmp(word, cands[i], len) && strncmp(one, cands[i], strlen(one))) {
			*ret_many = true;
			return NULL;
		}
	return one;
}

const char *suggest(const char *word, size_t len, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	if (!len || len > WORD_MAX)
		return NULL;
	bool many;
	if (len < 3 && ((best = abbreviated(word, len, cands, n, &many)) || many))
		return best;
	for (size_t i = 0; i < n; i++) {
		size_t lc = strlen(cands[i]);
		if (!lc || lc > WORD_MAX)
			continue;
		size_t d = distance(word, len, cands[i], lc);
		bool prefix = len >= 3 && lc >= 3 && !strncmp(word, cands[i], len < lc ? len : lc);
		if (!((d <= 2 && d < len && d < lc) || prefix))
			continue;
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return best;
}
