/*
 * xmalloc on the host, over a page allocator fed with an aligned_alloc'd
 * arena. Each case starts from page_alloc_reset() + xmalloc_reset() and ends
 * by checking that every page came back, so a leaked slab fails the case.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "page_alloc.h"
#include "xmalloc.h"

#define MiB (1UL << 20)
#define ARENA_SIZE (64 * MiB)
#define HDR 64          /* xmalloc's block header (large objects follow it) */

static char *arena;
static unsigned long free_at_start;

static inline uintptr_t addr(const void *p) { return (uintptr_t)p; }

static uint64_t rng_state;
static void rng_seed(uint64_t s) { rng_state = s ? s : 1; }
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static void fill(void *p, size_t n, uint64_t tag)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(tag * 31 + i * 7 + (i >> 8));
}

static bool verify(const void *p, size_t n, uint64_t tag)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != (unsigned char)(tag * 31 + i * 7 + (i >> 8)))
            return false;
    return true;
}

static void setup(void)
{
    if (!arena)
        arena = aligned_alloc(2 * MiB, ARENA_SIZE);
    if (!arena) {
        printf("  no arena\n");
        exit(2);
    }
    page_alloc_reset();
    xmalloc_reset();
    CHECK(page_alloc_add_region(addr(arena), addr(arena) + ARENA_SIZE) > 0);
    free_at_start = page_alloc_free_pages();
}

static bool in_arena(const void *p, size_t n)
{
    return addr(p) >= addr(arena) && addr(p) + n <= addr(arena) + ARENA_SIZE;
}

static const size_t classes[] = { 16, 32, 64, 128, 256, 512, 1024, 2048 };

static void test_every_size_class(void)
{
    void *p[ARRAY_SIZE(classes)][3];
    bool ok = true;

    setup();
    for (unsigned int c = 0; c < ARRAY_SIZE(classes); c++) {
        size_t sizes[3] = { classes[c], classes[c] - 1, classes[c] / 2 + 1 };
        for (unsigned int k = 0; k < 3; k++) {
            p[c][k] = xmalloc_bytes(sizes[k]);
            CHECK(p[c][k] != NULL);
            CHECK(in_arena(p[c][k], classes[c]));
            /* Naturally aligned up to a cache line, never below 16. */
            CHECK(IS_ALIGNED(addr(p[c][k]), MIN(classes[c], 64)));
            fill(p[c][k], classes[c], c * 3 + k);   /* the whole class is usable */
        }
    }
    for (unsigned int c = 0; c < ARRAY_SIZE(classes); c++)
        for (unsigned int k = 0; k < 3; k++)
            ok = ok && verify(p[c][k], classes[c], c * 3 + k);
    CHECK(ok);
    for (unsigned int c = 0; c < ARRAY_SIZE(classes); c++)
        for (unsigned int k = 0; k < 3; k++)
            xfree(p[c][k]);
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

/* Large objects: whole buddy blocks, the header at the block's first byte. */
static void test_large_sizes(void)
{
    static const struct { size_t size; unsigned int order; } cases[] = {
        { 2049, 0 }, { 4000, 0 }, { PAGE_SIZE - HDR, 0 }, { PAGE_SIZE - HDR + 1, 1 },
        { PAGE_SIZE, 1 }, { 10000, 2 }, { MiB, 9 }, { 3 * MiB, 10 },
    };

    setup();
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        unsigned char *p = xmalloc_bytes(cases[i].size);
        CHECK(p != NULL);
        if (!p)
            continue;
        paddr_t block = addr(p) - HDR;
        CHECK(IS_ALIGNED(block, PAGE_SIZE << cases[i].order));
        CHECK_EQ(page_info_of(block)->flags, PGF_ALLOC);
        CHECK_EQ(page_info_of(block)->order, cases[i].order);
        CHECK_EQ(page_alloc_free_pages(), free_at_start - (1UL << cases[i].order));
        fill(p, cases[i].size, i);
        CHECK(verify(p, cases[i].size, i));
        xfree(p);
        CHECK_EQ(page_alloc_free_pages(), free_at_start);
    }
    /* Beyond the largest buddy block, and size arithmetic that would wrap. */
    CHECK(xmalloc_bytes(PAGE_SIZE << MAX_ORDER) == NULL);
    CHECK(xmalloc_bytes((PAGE_SIZE << MAX_ORDER) - HDR + 1) == NULL);
    CHECK(xmalloc_bytes(SIZE_MAX) == NULL);
    CHECK(xzalloc_array(uint64_t, SIZE_MAX / 4) == NULL);
    /* Bigger than the arena but a legal order: the page allocator says no. */
    CHECK(xmalloc_bytes(128 * MiB) == NULL);
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

static void test_zeroing(void)
{
    void *dirty[64];

    setup();
    /* Leave a slab and large blocks full of junk, keeping one object live. */
    for (unsigned int i = 0; i < 64; i++) {
        dirty[i] = xmalloc_bytes(200);
        memset(dirty[i], 0xff, 200);
    }
    for (unsigned int i = 1; i < 64; i++)
        xfree(dirty[i]);
    void *big = xmalloc_bytes(20000);
    memset(big, 0xff, 20000);
    xfree(big);

    bool zero = true;
    for (unsigned int i = 1; i < 64; i++) {
        unsigned char *p = xzalloc_bytes(200);
        CHECK(p != NULL);
        for (unsigned int j = 0; p && j < 200; j++)
            zero = zero && p[j] == 0;
        dirty[i] = p;
    }
    unsigned char *q = xzalloc_bytes(20000);
    for (unsigned int j = 0; q && j < 20000; j++)
        zero = zero && q[j] == 0;
    CHECK(zero);

    struct s { uint64_t a[5]; } *s = xzalloc(struct s);
    uint32_t *arr = xzalloc_array(uint32_t, 1000);
    CHECK(s && s->a[4] == 0);
    CHECK(arr && arr[0] == 0 && arr[999] == 0);
    xfree(s);
    xfree(arr);
    xfree(q);
    for (unsigned int i = 0; i < 64; i++)
        xfree(dirty[i]);
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

static void test_reuse_after_free(void)
{
    setup();
    for (unsigned int c = 0; c < ARRAY_SIZE(classes); c++) {
        void *keep = xmalloc_bytes(classes[c]);   /* keeps the slab alive */
        void *p = xmalloc_bytes(classes[c]);
        xfree(p);
        void *q = xmalloc_bytes(classes[c]);
        CHECK(q == p);                      /* the freed slot, not a new one */
        xfree(q);
        xfree(keep);
    }
    void *big = xmalloc_bytes(5000);
    xfree(big);
    CHECK(xmalloc_bytes(5000) == big);       /* same buddy block back */
    xfree(big);
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

/* Slabs are sized so the header and tail waste stay within 1/8 of the memory. */
static void test_slab_overhead(void)
{
    enum { N = 1000 };
    static void *p[N];

    setup();
    for (unsigned int c = 0; c < ARRAY_SIZE(classes); c++) {
        for (unsigned int i = 0; i < N; i++)
            p[i] = xmalloc_bytes(classes[c]);
        unsigned long pages = free_at_start - page_alloc_free_pages();
        unsigned long slab_pages = classes[c] <= 512 ? 1 : classes[c] / 256;
        /* All but the last slab are full. */
        CHECK(8UL * N * classes[c] >= 7UL * (pages - slab_pages) * PAGE_SIZE);
        for (unsigned int i = 0; i < N; i++)
            xfree(p[i]);
        CHECK_EQ(page_alloc_free_pages(), free_at_start);
    }
}

static void test_many_objects(void)
{
    enum { SLOTS = 4096, OPS = 100000 };
    static struct { void *p; size_t n; } o[SLOTS];
    unsigned int bad = 0, misaligned = 0, fails = 0;

    setup();
    rng_seed(2024);
    memset(o, 0, sizeof(o));
    for (unsigned int op = 0; op < OPS; op++) {
        unsigned int i = (unsigned int)(rng() % SLOTS);
        if (o[i].p) {
            bad += !verify(o[i].p, o[i].n, i);
            xfree(o[i].p);
            o[i].p = NULL;
            continue;
        }
        /* Mostly small, some large, a few empty. */
        o[i].n = rng() % 16 == 0 ? rng() % 20000 : rng() % 2100;
        o[i].p = xmalloc_bytes(o[i].n);
        fails += o[i].p == NULL;
        if (!o[i].p)
            continue;
        misaligned += !IS_ALIGNED(addr(o[i].p), 16);
        fill(o[i].p, o[i].n, i);
    }
    for (unsigned int i = 0; i < SLOTS; i++) {
        if (o[i].p) {
            bad += !verify(o[i].p, o[i].n, i);
            xfree(o[i].p);
        }
    }
    CHECK_EQ(bad, 0);           /* no object was overwritten by another */
    CHECK_EQ(misaligned, 0);
    CHECK_EQ(fails, 0);
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

static void test_size_zero_and_null(void)
{
    setup();
    xfree(NULL);
    void *a = xmalloc_bytes(0), *b = xmalloc_bytes(0);
    CHECK(a != NULL && b != NULL && a != b);
    xfree(a);
    xfree(b);
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

static void test_exhaustion(void)
{
    enum { MAX = 40000 };
    static void *p[MAX];
    unsigned int n = 0;

    setup();
    while (n < MAX && (p[n] = xmalloc_bytes(2048)) != NULL)
        n++;
    CHECK(n > 0 && n < MAX);
    CHECK(page_alloc_free_pages() < 4);     /* less than one 2 KiB slab left */
    CHECK(xmalloc_bytes(5000) == NULL);
    xfree(p[n - 1]);
    p[n - 1] = xmalloc_bytes(2048);         /* room again */
    CHECK(p[n - 1] != NULL);
    for (unsigned int i = 0; i < n; i++)
        xfree(p[i]);
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

/* Reset forgets slabs of the old heap: new objects come from the new one. */
static void test_reset(void)
{
    char *other = aligned_alloc(2 * MiB, 4 * MiB);

    setup();
    void *old = xmalloc_bytes(100);
    CHECK(in_arena(old, 100));
    page_alloc_reset();
    xmalloc_reset();
    CHECK(page_alloc_add_region(addr(other), addr(other) + 4 * MiB) > 0);
    unsigned long start = page_alloc_free_pages();
    void *p = xmalloc_bytes(100);
    CHECK(addr(p) >= addr(other) && addr(p) < addr(other) + 4 * MiB);
    xfree(p);
    CHECK_EQ(page_alloc_free_pages(), start);
    page_alloc_reset();
    xmalloc_reset();
    free(other);
}

static bool panics(void (*fn)(void *), void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        fn(arg);
        _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return false;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void double_free(void *p) { xfree(p); xfree(p); }
static void inside_object(void *p) { xfree((char *)p + 8); }
static void on_the_stack(void *p) { char x[32]; (void)p; xfree(x); }
static void raw_page(void *p) { (void)p; xfree((char *)alloc_page_zeroed() + HDR); }
static void large_double_free(void *p) { (void)p; void *q = xmalloc_bytes(9000); xfree(q); xfree(q); }
static void large_inside(void *p) { (void)p; xfree((char *)xmalloc_bytes(9000) + 16); }
static void header(void *p) { xfree((void *)ROUNDDOWN(addr(p), PAGE_SIZE)); }

static void test_misuse_panics(void)
{
    setup();
    void *keep = xmalloc_bytes(48);
    void *p = xmalloc_bytes(48);
    CHECK(panics(double_free, p));
    CHECK(panics(inside_object, p));
    CHECK(panics(on_the_stack, p));
    CHECK(panics(raw_page, p));
    CHECK(panics(large_double_free, p));
    CHECK(panics(large_inside, p));
    CHECK(panics(header, p));
    xfree(p);
    xfree(keep);
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

struct worker {
    pthread_t tid;
    uint64_t seed;
    unsigned int bad;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct { void *p; size_t n; } o[128] = { { 0 } };
    uint64_t s = w->seed;

    for (unsigned int op = 0; op < 30000; op++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        unsigned int i = (unsigned int)(s % 128);
        uint64_t tag = (uint64_t)addr(&o[i]);
        if (o[i].p) {
            w->bad += !verify(o[i].p, o[i].n, tag);
            xfree(o[i].p);
            o[i].p = NULL;
        } else {
            o[i].n = (s >> 20) % 3000;
            o[i].p = xmalloc_bytes(o[i].n);
            w->bad += o[i].p == NULL;
            if (o[i].p)
                fill(o[i].p, o[i].n, tag);
        }
    }
    for (unsigned int i = 0; i < 128; i++)
        xfree(o[i].p);
    return NULL;
}

static void test_threads(void)
{
    /* Two threads: no more than CI has CPUs (see test_page_alloc.c). */
    struct worker w[2];

    setup();
    for (unsigned int i = 0; i < ARRAY_SIZE(w); i++) {
        w[i] = (struct worker){ .seed = 77 + i * 1000003ULL };
        CHECK(pthread_create(&w[i].tid, NULL, worker_main, &w[i]) == 0);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(w); i++) {
        pthread_join(w[i].tid, NULL);
        CHECK_EQ(w[i].bad, 0);
    }
    CHECK_EQ(page_alloc_free_pages(), free_at_start);
}

int main(void)
{
    CHECK_MAIN_BEGIN("xmalloc");
    RUN(test_every_size_class);
    RUN(test_large_sizes);
    RUN(test_zeroing);
    RUN(test_reuse_after_free);
    RUN(test_slab_overhead);
    RUN(test_many_objects);
    RUN(test_size_zero_and_null);
    RUN(test_exhaustion);
    RUN(test_reset);
    RUN(test_misuse_panics);
    RUN(test_threads);
    page_alloc_reset();
    xmalloc_reset();
    free(arena);
    CHECK_MAIN_END();
}
