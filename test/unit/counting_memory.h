/*
 * counting_memory.h -- the memory that the unit tests and fuzz harnesses
 * of src/core hand to period sets and counts: malloc and free, counting the
 * bytes live, so that a test can check that nothing leaks and that memory
 * stays within its bound.
 */
#ifndef CLV_COUNTING_MEMORY_H
#define CLV_COUNTING_MEMORY_H

#include <stdlib.h>

#include "periodset.h"

static size_t live_bytes = 0;

static void *
counting_alloc(void *arg, size_t bytes)
{
	(void) arg;
	live_bytes += bytes;
	return malloc(bytes);
}

static void
counting_release(void *arg, void *block, size_t bytes)
{
	(void) arg;
	live_bytes -= bytes;
	free(block);
}

static const ClvPeriodMemory memory = {counting_alloc, counting_release, NULL};

#endif							/* CLV_COUNTING_MEMORY_H */
