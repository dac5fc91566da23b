#ifndef BREAKWATER_ALLOCATION_COUNTER_H
#define BREAKWATER_ALLOCATION_COUNTER_H

/// The number of heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc,
/// memalign) made by the whole process since it started. Counting is on only in the benchmark
/// executable, which links this target: it interposes glibc's allocator entry points.
long long breakwater_allocation_count(void);

#endif
