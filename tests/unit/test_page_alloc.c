/*
 * Buddy allocator on the host: regions are aligned_alloc'd arenas (VA == PA).
 * Every scenario ends by checking the frame table against the counters, so a
 * lost or doubly-listed block shows up even when the allocations looked fine.
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
#include "errno.h"

#define MiB (1UL << 20)

static inline paddr_t pa_of(const void *p) { return (paddr_t)(uintptr_t)p; }

/* xorshift64*: fixed seeds, so a failure reproduces. */
static uint64_t rng_state;
static void rng_seed(uint64_t s) { rng_state = s ? s : 1; }
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static void *arena(size_t size, size_t align)
{
    void *p = aligned_alloc(align, size);
    if (!p) {
        printf("  aligned_alloc(%zu, %zu) failed\n", align, size);
        exit(2);
    }
    return p;
}

static void fill(void *p, size_t bytes, uint64_t tag)
{
    uint64_t *w = p;
    for (size_t i = 0; i < bytes / 8; i++)
        w[i] = tag * 0x9E3779B97F4A7C15ULL + i;
}

static bool verify(const void *p, size_t bytes, uint64_t tag)
{
    const uint64_t *w = p;
    for (size_t i = 0; i < bytes / 8; i++)
        if (w[i] != tag * 0x9E3779B97F4A7C15ULL + i)
            return false;
    return true;
}

/* Free-block heads per order over [lo, hi), read from the frame table. */
static void histogram(paddr_t lo, paddr_t hi, unsigned long h[MAX_ORDER + 1])
{
    memset(h, 0, sizeof(h[0]) * (MAX_ORDER + 1));
    for (paddr_t pa = lo; pa < hi; pa += PAGE_SIZE) {
        struct page_info *pi = page_info_of(pa);
        if (pi && (pi->flags & PGF_FREE))
            h[pi->order]++;
    }
}

/*
 * Frame-table invariants over [lo, hi): free heads are aligned, lie in one
 * region (their page_info entries are contiguous), have flag-less interiors,
 * and add up to the free counter. Returns the free pages seen.
 */
static unsigned long check_free_blocks(paddr_t lo, paddr_t hi)
{
    unsigned long seen = 0;

    for (paddr_t pa = lo; pa < hi; pa += PAGE_SIZE) {
        struct page_info *pi = page_info_of(pa);
        if (!pi || !(pi->flags & PGF_FREE))
            continue;
        unsigned long n = 1UL << pi->order;
        CHECK(IS_ALIGNED(pa, PAGE_SIZE << pi->order));
        CHECK(pi->flags == PGF_FREE && pi->count == 0 && pi->owner == DOMID_NONE);
        CHECK(page_info_of(pa + (n - 1) * PAGE_SIZE) == pi + (n - 1));
        for (unsigned long i = 1; i < n; i++)
            CHECK_EQ(pi[i].flags, 0);
        seen += n;
        pa += (n - 1) * PAGE_SIZE;
    }
    return seen;
}

/* Largest order that can be allocated right now (-1 if none). */
static int largest_free_order(void)
{
    for (int o = MAX_ORDER; o >= 0; o--) {
        void *p = alloc_pages((unsigned int)o);
        if (p) {
            free_pages(p, (unsigned int)o);
            return o;
        }
    }
    return -1;
}

static void test_empty_allocator(void)
{
    page_alloc_reset();
    CHECK(alloc_pages(0) == NULL);
    CHECK(alloc_pages_zeroed(3) == NULL);
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK_EQ(page_alloc_total_pages(), 0);
    CHECK(page_info_of(0x40000000) == NULL);
}

static void test_add_region_errors(void)
{
    char *a = arena(4 * MiB, 2 * MiB);
    paddr_t b = pa_of(a);

    page_alloc_reset();
    CHECK_EQ(page_alloc_add_region(b + PAGE_SIZE, b), -EINVAL);
    CHECK_EQ(page_alloc_add_region(b + 1, b + 100), -EINVAL);   /* empty once rounded */
    CHECK_EQ(page_alloc_add_region(b + 1, b + PAGE_SIZE + 1), -EINVAL);
    CHECK_EQ(page_alloc_add_region(UINT64_MAX - 5, UINT64_MAX), -EINVAL);
    /* One frame: all of it is frame table. */
    CHECK_EQ(page_alloc_add_region(b, b + PAGE_SIZE), -ENOSPC);
    CHECK_EQ(page_alloc_total_pages(), 0);

    /* 128 frames need 1 KiB of frame table: one frame. */
    CHECK_EQ(page_alloc_add_region(b, b + 128 * PAGE_SIZE), 127);
    CHECK_EQ(page_alloc_add_region(b + 64 * PAGE_SIZE, b + 256 * PAGE_SIZE), -EINVAL);
    CHECK_EQ(page_alloc_add_region(b, b + 128 * PAGE_SIZE), -EINVAL);
    CHECK_EQ(page_alloc_add_region(b + 127 * PAGE_SIZE, b + 129 * PAGE_SIZE), -EINVAL);
    CHECK_EQ(page_alloc_total_pages(), 127);

    /* Fill the region table with 2-frame regions, then one too many. */
    paddr_t next = b + 128 * PAGE_SIZE;
    for (unsigned int i = 1; i < MAX_RAM_REGIONS; i++, next += 2 * PAGE_SIZE)
        CHECK_EQ(page_alloc_add_region(next, next + 2 * PAGE_SIZE), 1);
    CHECK_EQ(page_alloc_add_region(next, next + 2 * PAGE_SIZE), -ENOSPC);
    CHECK_EQ(page_alloc_total_pages(), 127 + MAX_RAM_REGIONS - 1);
    CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
    CHECK_EQ(check_free_blocks(b, b + 4 * MiB), page_alloc_free_pages());
    page_alloc_reset();
    free(a);
}

static void test_unaligned_bounds(void)
{
    char *a = arena(2 * MiB, 2 * MiB);
    paddr_t b = pa_of(a);
    void *pages[128];
    unsigned int n = 0;

    page_alloc_reset();
    /* Frames 1..99 are whole pages; frame 1 becomes the frame table. */
    CHECK_EQ(page_alloc_add_region(b + 123, b + 100 * PAGE_SIZE + 77), 98);
    CHECK(page_info_of(b) == NULL);
    CHECK(page_info_of(b + PAGE_SIZE - 1) == NULL);
    CHECK(page_info_of(b + 100 * PAGE_SIZE) == NULL);
    CHECK(page_info_of(b + PAGE_SIZE) == (struct page_info *)(a + PAGE_SIZE));
    CHECK(page_info_of(b + PAGE_SIZE)->flags == 0);     /* frame table: not free */
    CHECK(page_info_of(b + 99 * PAGE_SIZE + 4095) == page_info_of(b + 99 * PAGE_SIZE));

    while (n < 128 && (pages[n] = alloc_page()) != NULL)
        n++;
    CHECK_EQ(n, 98);
    for (unsigned int i = 0; i < n; i++) {
        CHECK(pa_of(pages[i]) >= b + 2 * PAGE_SIZE);
        CHECK(pa_of(pages[i]) < b + 100 * PAGE_SIZE);
        CHECK(IS_ALIGNED(pa_of(pages[i]), PAGE_SIZE));
    }
    for (unsigned int i = 0; i < n; i++)
        free_page(pages[i]);
    CHECK_EQ(page_alloc_free_pages(), 98);
    CHECK_EQ(check_free_blocks(b, b + MiB), 98);
    page_alloc_reset();
    free(a);
}

/* A 64 MiB-aligned 128 MiB arena: its upper half is one order-14 block. */
static void test_alignment_every_order(void)
{
    char *a = arena(128 * MiB, 64 * MiB);
    paddr_t b = pa_of(a);

    page_alloc_reset();
    CHECK(page_alloc_add_region(b, b + 128 * MiB) > 0);
    for (unsigned int o = 0; o <= MAX_ORDER; o++) {
        void *p = alloc_pages(o);
        if (o > 14) {
            CHECK(p == NULL);
            continue;
        }
        CHECK(p != NULL);
        if (!p)
            continue;
        CHECK(IS_ALIGNED(pa_of(p), PAGE_SIZE << o));
        CHECK(pa_of(p) >= b && pa_of(p) + (PAGE_SIZE << o) <= b + 128 * MiB);
        fill(p, PAGE_SIZE << o, o);     /* the whole block is usable */
        CHECK(verify(p, PAGE_SIZE << o, o));
        free_pages(p, o);
    }
    CHECK(alloc_pages(MAX_ORDER + 1) == NULL);
    CHECK(alloc_pages(~0u) == NULL);
    CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());

    /* Many blocks of each order held at once are all aligned too. */
    for (unsigned int o = 0; o <= 9; o++) {
        void *p[16];
        for (unsigned int i = 0; i < 16; i++) {
            p[i] = alloc_pages(o);
            CHECK(p[i] && IS_ALIGNED(pa_of(p[i]), PAGE_SIZE << o));
        }
        for (unsigned int i = 0; i < 16; i++)
            if (p[i])
                free_pages(p[i], o);
    }
    CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
    page_alloc_reset();
    free(a);
}

/* MAX_ORDER itself: a 1 GiB-aligned 2 GiB arena (mostly never touched). */
static void test_max_order_block(void)
{
    const size_t size = 2UL << 30;
    char *a = aligned_alloc(1UL << 30, size);
    paddr_t b = pa_of(a);

    if (!a) {
        printf("  (no 2 GiB arena on this host: MAX_ORDER block not tested)\n");
        return;
    }
    page_alloc_reset();
    CHECK(page_alloc_add_region(b, b + size) > 0);
    void *p = alloc_pages(MAX_ORDER);
    CHECK(p != NULL);
    CHECK_EQ(pa_of(p), b + (1UL << 30));    /* the only whole 1 GiB block */
    CHECK(alloc_pages(MAX_ORDER) == NULL);
    if (p) {
        CHECK(page_info_of(pa_of(p))->order == MAX_ORDER);
        free_pages(p, MAX_ORDER);
    }
    CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
    page_alloc_reset();
    free(a);
}

struct block {
    void *p;
    unsigned int order;
};

/* Allocate random orders until even one page is refused. */
static unsigned int exhaust(struct block *blk, unsigned int max, unsigned int max_order)
{
    unsigned int n = 0;

    while (n < max) {
        unsigned int o = (unsigned int)(rng() % (max_order + 1));
        void *p;
        while ((p = alloc_pages(o)) == NULL && o > 0)
            o--;
        if (!p)
            break;
        blk[n].p = p;
        blk[n].order = o;
        n++;
    }
    return n;
}

static void test_no_overlap_and_exhaustion(void)
{
    static struct block blk[8192];
    char *a = arena(16 * MiB, 2 * MiB);
    paddr_t b = pa_of(a);
    unsigned long pages = 0;
    unsigned int n;
    bool ok = true;

    page_alloc_reset();
    rng_seed(42);
    /* 4096 frames need 32 KiB of frame table: 8 frames. */
    long total = page_alloc_add_region(b, b + 16 * MiB);
    CHECK_EQ(total, 4088);
    int start_max = largest_free_order();
    CHECK(start_max >= 9);          /* 2 MiB alignment guarantees that much */
    n = exhaust(blk, ARRAY_SIZE(blk), 6);
    for (unsigned int i = 0; i < n; i++) {
        pages += 1UL << blk[i].order;
        CHECK(IS_ALIGNED(pa_of(blk[i].p), PAGE_SIZE << blk[i].order));
        fill(blk[i].p, PAGE_SIZE << blk[i].order, i + 1);
    }
    /* Any overlap would have overwritten an earlier block's pattern. */
    for (unsigned int i = 0; i < n; i++)
        ok = ok && verify(blk[i].p, PAGE_SIZE << blk[i].order, i + 1);
    CHECK(ok);
    CHECK_EQ(pages, total);
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK(alloc_page() == NULL);
    CHECK(alloc_pages(3) == NULL);

    /* One block back: exactly that block can be had again, then nothing. */
    free_pages(blk[n / 2].p, blk[n / 2].order);
    CHECK_EQ(page_alloc_free_pages(), 1UL << blk[n / 2].order);
    CHECK(alloc_pages(blk[n / 2].order) == blk[n / 2].p);
    CHECK(alloc_page() == NULL);
    for (unsigned int i = 0; i < n; i++)
        free_pages(blk[i].p, blk[i].order);
    CHECK_EQ(page_alloc_free_pages(), total);
    CHECK_EQ(check_free_blocks(b, b + 16 * MiB), total);
    CHECK_EQ(largest_free_order(), start_max);
    page_alloc_reset();
    free(a);
}

static void test_random_coalescing(void)
{
    enum { SLOTS = 512, OPS = 40000 };
    static struct block blk[SLOTS];
    char *a = arena(32 * MiB, 2 * MiB);
    paddr_t b = pa_of(a);
    unsigned long before[MAX_ORDER + 1], after[MAX_ORDER + 1];
    unsigned int corrupt = 0, misaligned = 0;

    page_alloc_reset();
    memset(blk, 0, sizeof(blk));
    rng_seed(0x1a3);
    CHECK(page_alloc_add_region(b, b + 32 * MiB) > 0);
    unsigned long start = page_alloc_free_pages();
    int start_max = largest_free_order();
    histogram(b, b + 32 * MiB, before);

    for (unsigned int op = 0; op < OPS; op++) {
        struct block *s = &blk[rng() % SLOTS];
        if (op == OPS / 2)
            CHECK_EQ(check_free_blocks(b, b + 32 * MiB), page_alloc_free_pages());
        if (s->p) {
            size_t bytes = PAGE_SIZE << s->order;
            uint64_t *w = s->p;
            corrupt += w[0] != (uint64_t)(uintptr_t)s || w[bytes / 8 - 1] != ~(uint64_t)(uintptr_t)s;
            free_pages(s->p, s->order);
            s->p = NULL;
            continue;
        }
        /* Mostly small orders, sometimes large ones to force splits. */
        s->order = (unsigned int)(rng() % 8 == 0 ? rng() % 11 : rng() % 3);
        s->p = alloc_pages(s->order);
        if (!s->p)
            continue;       /* fragmented or full: fine, it is random */
        misaligned += !IS_ALIGNED(pa_of(s->p), PAGE_SIZE << s->order);
        uint64_t *w = s->p;
        w[0] = (uint64_t)(uintptr_t)s;
        w[(PAGE_SIZE << s->order) / 8 - 1] = ~(uint64_t)(uintptr_t)s;
    }
    for (unsigned int i = 0; i < SLOTS; i++)
        if (blk[i].p)
            free_pages(blk[i].p, blk[i].order);
    CHECK_EQ(corrupt, 0);
    CHECK_EQ(misaligned, 0);
    CHECK_EQ(page_alloc_free_pages(), start);
    histogram(b, b + 32 * MiB, after);
    CHECK(memcmp(before, after, sizeof(before)) == 0);  /* fully merged again */
    CHECK_EQ(largest_free_order(), start_max);
    CHECK_EQ(check_free_blocks(b, b + 32 * MiB), start);
    page_alloc_reset();
    free(a);
}

static int region_of(paddr_t pa, const paddr_t lo[], const paddr_t hi[], int n)
{
    for (int i = 0; i < n; i++)
        if (pa >= lo[i] && pa < hi[i])
            return i;
    return -1;
}

/* Two separate arenas and one arena split into two adjacent regions. */
static void test_multiple_regions(void)
{
    static struct block blk[8192];
    char *a1 = arena(8 * MiB, 2 * MiB), *a2 = arena(4 * MiB, 2 * MiB);
    char *a3 = arena(4 * MiB, 4 * MiB);
    paddr_t lo[4] = { pa_of(a1), pa_of(a2), pa_of(a3), pa_of(a3) + 2 * MiB };
    paddr_t hi[4] = { lo[0] + 8 * MiB, lo[1] + 4 * MiB, lo[2] + 2 * MiB, lo[3] + 2 * MiB };
    long total = 0;
    unsigned int bad = 0, n, used[4] = { 0 };

    page_alloc_reset();
    rng_seed(7);
    for (int i = 0; i < 4; i++) {
        long r = page_alloc_add_region(lo[i], hi[i]);
        CHECK(r > 0);
        total += r;
    }
    CHECK_EQ(page_alloc_total_pages(), total);
    /* Each region's frame table sits at that region's own start. */
    CHECK(page_info_of(lo[3] - PAGE_SIZE) == (struct page_info *)a3 + 511);
    CHECK(page_info_of(lo[3]) == (struct page_info *)(a3 + 2 * MiB));
    CHECK(page_info_of(lo[3])->flags == 0);

    n = exhaust(blk, ARRAY_SIZE(blk), 10);
    long pages = 0;
    for (unsigned int i = 0; i < n; i++) {
        paddr_t s = pa_of(blk[i].p), e = s + (PAGE_SIZE << blk[i].order) - 1;
        int r = region_of(s, lo, hi, 4);
        bad += r < 0 || region_of(e, lo, hi, 4) != r;   /* never spans regions */
        if (r >= 0)
            used[r]++;
        pages += 1L << blk[i].order;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(pages, total);
    for (int i = 0; i < 4; i++)
        CHECK(used[i] > 0);
    for (unsigned int i = 0; i < n; i++)
        free_pages(blk[i].p, blk[i].order);
    CHECK_EQ(page_alloc_free_pages(), total);
    long seen = 0;
    for (int i = 0; i < 4; i++)
        seen += check_free_blocks(lo[i], hi[i]);
    CHECK_EQ(seen, total);
    /*
     * Each half of the split arena is its own buddy space: 511 free frames
     * after its one-frame table, so exactly one block of each order 0..8.
     */
    unsigned long h[MAX_ORDER + 1];
    histogram(lo[2], hi[3], h);
    for (unsigned int o = 0; o <= MAX_ORDER; o++)
        CHECK_EQ(h[o], o <= 8 ? 2 : 0);
    page_alloc_reset();
    free(a1);
    free(a2);
    free(a3);
}

static void test_page_info(void)
{
    char *a = arena(4 * MiB, 2 * MiB);
    paddr_t b = pa_of(a);

    page_alloc_reset();
    CHECK(page_alloc_add_region(b, b + 4 * MiB) > 0);
    char *p = alloc_pages(3);
    CHECK(p != NULL);
    if (!p)
        return;
    struct page_info *pi = page_info_of(pa_of(p));
    CHECK(pi != NULL);
    CHECK_EQ(pi->flags, PGF_ALLOC);
    CHECK_EQ(pi->order, 3);
    CHECK_EQ(pi->owner, DOMID_NONE);
    CHECK_EQ(pi->count, 0);
    for (unsigned int i = 1; i < 8; i++) {
        CHECK(page_info_of(pa_of(p) + i * PAGE_SIZE) == pi + i);
        CHECK_EQ(pi[i].flags, 0);
    }
    CHECK(page_info_of(pa_of(p) + 123) == pi);

    pi->owner = 7;                  /* handed to a domain, then given back */
    free_pages(p, 3);
    CHECK_EQ(pi->owner, DOMID_NONE);
    CHECK(pi->flags == PGF_FREE || pi->flags == 0);     /* 0: merged into a buddy */
    CHECK_EQ(pi->count, 0);
    CHECK_EQ(check_free_blocks(b, b + 4 * MiB), page_alloc_total_pages());
    page_alloc_reset();
    free(a);
}

static void test_zeroed(void)
{
    char *a = arena(2 * MiB, 2 * MiB);
    paddr_t b = pa_of(a);
    bool zero = true;

    page_alloc_reset();
    CHECK(page_alloc_add_region(b, b + 2 * MiB) > 0);
    /* Dirty every allocatable page through the allocator. */
    rng_seed(3);
    static struct block blk[512];
    unsigned int n = exhaust(blk, ARRAY_SIZE(blk), 4);
    for (unsigned int i = 0; i < n; i++)
        memset(blk[i].p, 0xAA, PAGE_SIZE << blk[i].order);
    for (unsigned int i = 0; i < n; i++)
        free_pages(blk[i].p, blk[i].order);
    for (unsigned int o = 0; o <= 4; o++) {
        unsigned char *p = alloc_pages_zeroed(o);
        CHECK(p != NULL);
        for (size_t i = 0; p && i < (PAGE_SIZE << o); i++)
            zero = zero && p[i] == 0;
        if (p) {
            memset(p, 0xAA, PAGE_SIZE << o);
            free_pages(p, o);
        }
    }
    CHECK(zero);
    page_alloc_reset();
    free(a);
}

static void test_reset(void)
{
    char *a = arena(2 * MiB, 2 * MiB);
    paddr_t b = pa_of(a);

    page_alloc_reset();
    long n = page_alloc_add_region(b, b + 2 * MiB);
    CHECK(alloc_page() != NULL);
    page_alloc_reset();
    CHECK_EQ(page_alloc_total_pages(), 0);
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK(page_info_of(b + PAGE_SIZE) == NULL);
    CHECK(alloc_page() == NULL);
    /* The same memory can be handed in again: it was forgotten, not leaked. */
    CHECK_EQ(page_alloc_add_region(b, b + 2 * MiB), n);
    CHECK_EQ(page_alloc_free_pages(), n);
    page_alloc_reset();
    free(a);
}

/*
 * Hypervisor bugs must stop the machine: run the misuse in a child and
 * expect panic()'s abort.
 */
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

static void double_free(void *p) { free_pages(p, 1); free_pages(p, 1); }
static void wrong_order(void *p) { free_pages(p, 0); }
static void interior(void *p) { free_pages((char *)p + PAGE_SIZE, 0); }
static void unaligned(void *p) { free_pages((char *)p + 8, 0); }
static void foreign(void *p) { (void)p; static char x[2 * 4096]; free_page(x); }
static void frame_table(void *p)
{
    free_page((void *)(uintptr_t)ROUNDDOWN(pa_of(page_info_of(pa_of(p))), PAGE_SIZE));
}
/* p (frames 2-3 of a fresh region) has no free buddy, so it stays a list entry. */
static void scribbled_free_block(void *p)
{
    free_pages(p, 1);
    memset(p, 0x41, 64);
    (void)alloc_pages(1);
}
static void referenced(void *p) { page_info_of(pa_of(p))->count = 1; free_pages(p, 1); }
static void null_free(void *p) { (void)p; free_page(NULL); }

static void test_misuse_panics(void)
{
    char *a = arena(2 * MiB, 2 * MiB);
    paddr_t b = pa_of(a);

    page_alloc_reset();
    CHECK(page_alloc_add_region(b, b + 2 * MiB) > 0);
    void *p = alloc_pages(1);
    CHECK(p != NULL);
    CHECK_EQ(pa_of(p), b + 2 * PAGE_SIZE);
    CHECK(panics(double_free, p));
    CHECK(panics(wrong_order, p));
    CHECK(panics(interior, p));
    CHECK(panics(unaligned, p));
    CHECK(panics(foreign, p));
    CHECK(panics(frame_table, p));
    CHECK(panics(referenced, p));
    CHECK(panics(null_free, p));
    CHECK(panics(scribbled_free_block, p));
    /* The children's damage stayed in the children. */
    free_pages(p, 1);
    CHECK_EQ(page_alloc_free_pages(), page_alloc_total_pages());
    page_alloc_reset();
    free(a);
}

struct worker {
    pthread_t tid;
    uint64_t seed;
    unsigned int corrupt;
};

/* Private PRNG and pattern per thread; the allocator lock is the only sharing. */
static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct block blk[64] = { { 0 } };
    uint64_t s = w->seed;

    for (unsigned int op = 0; op < 20000; op++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        struct block *b = &blk[s % 64];
        if (b->p) {
            w->corrupt += !verify(b->p, PAGE_SIZE << b->order, (uint64_t)(uintptr_t)b);
            free_pages(b->p, b->order);
            b->p = NULL;
        } else if ((b->p = alloc_pages(b->order = (unsigned int)((s >> 32) % 4))) != NULL) {
            fill(b->p, PAGE_SIZE << b->order, (uint64_t)(uintptr_t)b);
        }
    }
    for (unsigned int i = 0; i < 64; i++)
        if (blk[i].p)
            free_pages(blk[i].p, blk[i].order);
    return NULL;
}

static void test_threads(void)
{
    /*
     * No more threads than a small CI box has CPUs: a ticket lock whose next
     * waiter is descheduled stalls everyone (the host's cpu_relax is empty).
     */
    struct worker w[2];
    char *a = arena(16 * MiB, 2 * MiB);
    paddr_t b = pa_of(a);

    page_alloc_reset();
    CHECK(page_alloc_add_region(b, b + 16 * MiB) > 0);
    unsigned long start = page_alloc_free_pages();
    for (unsigned int i = 0; i < ARRAY_SIZE(w); i++) {
        w[i] = (struct worker){ .seed = 0x9e37 + i * 1000003ULL };
        CHECK(pthread_create(&w[i].tid, NULL, worker_main, &w[i]) == 0);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(w); i++) {
        pthread_join(w[i].tid, NULL);
        CHECK_EQ(w[i].corrupt, 0);
    }
    CHECK_EQ(page_alloc_free_pages(), start);
    CHECK_EQ(check_free_blocks(b, b + 16 * MiB), start);
    page_alloc_reset();
    free(a);
}

static void test_split_then_free_pages_one_by_one(void)
{
    void *arena = aligned_alloc(2 << 20, 8 << 20);
    page_alloc_reset();
    page_alloc_add_region((paddr_t)(uintptr_t)arena, (paddr_t)(uintptr_t)arena + (8 << 20));
    unsigned long before = page_alloc_free_pages();
    uint8_t *b = alloc_pages(9);
    CHECK(b != NULL);
    page_split(b, 9);
    CHECK_EQ(page_info_of(virt_to_maddr(b + 5 * PAGE_SIZE))->flags, PGF_ALLOC);
    CHECK_EQ(page_info_of(virt_to_maddr(b + 5 * PAGE_SIZE))->order, 0);
    free_page(b + 7 * PAGE_SIZE);                   /* one page back, the rest still ours */
    CHECK_EQ(page_alloc_free_pages(), before - 511);
    for (int i = 0; i < 512; i++)
        if (i != 7)
            free_page(b + i * PAGE_SIZE);
    CHECK_EQ(page_alloc_free_pages(), before);
    CHECK(alloc_pages(9) == (void *)b);             /* merged back into one 2 MiB block */
    page_alloc_reset();
    free(arena);
}

int main(void)
{
    CHECK_MAIN_BEGIN("page_alloc");
    RUN(test_split_then_free_pages_one_by_one);
    RUN(test_empty_allocator);
    RUN(test_add_region_errors);
    RUN(test_unaligned_bounds);
    RUN(test_alignment_every_order);
    RUN(test_max_order_block);
    RUN(test_no_overlap_and_exhaustion);
    RUN(test_random_coalescing);
    RUN(test_multiple_regions);
    RUN(test_page_info);
    RUN(test_zeroed);
    RUN(test_reset);
    RUN(test_misuse_panics);
    RUN(test_threads);
    CHECK_MAIN_END();
}
