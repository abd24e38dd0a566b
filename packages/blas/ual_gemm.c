// UAL's own single-precision GEMM: picks the widest kernels the CPU runs (ual_gemm_kernel.c is
// compiled once per instruction set) and splits a product over a small pool of threads.
//
// Work is cut into chunks that share no packed blocks, so there is no barrier inside a product:
// runs of a batch's entries, or bands of one product's C — bands of rows (each chunk packing all
// of B) when C is at least as tall as it is wide, else bands of columns (each packing all of A):
// the duplicated packing is of the smaller operand. The caller and the woken workers claim chunks
// until none is left, so a worker the OS has not scheduled yet (a busy machine) costs nothing:
// the caller does its share. Products too small to pay for waking a thread run on the caller's
// alone. Every element of C is computed in one chunk, in one order, so results do not depend on
// the thread count.
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ual_gemm.h"

#define MAX_THREADS 256
// A thread is worth waking for about this many multiply-adds (≈ 20 µs of one core's work).
#define MIN_FMAS_PER_THREAD (1 << 19)
// How long an idle worker polls for the next product before it sleeps (iterations of a pause,
// roughly 0.1–0.3 ms), and the chunks per thread a product is cut into.
#define SPIN_ITERATIONS 4000
#define CHUNKS_PER_THREAD 2

static const ual_gemm_shape* shape = NULL;
static const char* kernels_name = "";
static pthread_once_t choose_once = PTHREAD_ONCE_INIT;
static int cpu_level = 0;      // what the CPU runs: 2 AVX-512, 1 AVX2+FMA, 0 the baseline
static int default_level = 0;  // what runs unless useKernels says otherwise

#if defined(__x86_64__) || defined(__i386__)
#define BASE_NAME "sse2"
static inline void cpu_relax(void) { __builtin_ia32_pause(); }
#elif defined(__aarch64__)
#define BASE_NAME "neon"
static inline void cpu_relax(void) { __asm__ __volatile__("yield"); }
#else
#define BASE_NAME "portable"
static inline void cpu_relax(void) {}
#endif

static int level_of(const char* name) {
  if (strcmp(name, "avx512") == 0) return 2;
  if (strcmp(name, "avx2") == 0) return 1;
  if (strcmp(name, "base") == 0 || strcmp(name, BASE_NAME) == 0) return 0;
  return -1;
}

static void set_level(int level) {
  shape = ual_gemm_block_base();
  kernels_name = BASE_NAME;
#if defined(__x86_64__)
  if (level >= 2) {
    shape = ual_gemm_block_avx512();
    kernels_name = "avx512";
  } else if (level == 1) {
    shape = ual_gemm_block_avx2();
    kernels_name = "avx2";
  }
#else
  (void)level;
#endif
}

static void choose(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the wider registers (XGETBV).
  const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const int avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                     __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  cpu_level = avx512 ? 2 : avx2 ? 1 : 0;
#endif
  // UAL_CPU_KERNELS may ask for a lower instruction set than the CPU's best.
  const char* want = getenv("UAL_CPU_KERNELS");
  const int asked = want != NULL ? level_of(want) : -1;
  default_level = asked >= 0 && asked < cpu_level ? asked : cpu_level;
  set_level(default_level);
}

void ual_gemm_use_default(void) {
  pthread_once(&choose_once, choose);
  set_level(default_level);
}

const char* ual_gemm_kernels(void) {
  pthread_once(&choose_once, choose);
  return kernels_name;
}

const char* ual_gemm_base_name(void) { return BASE_NAME; }

int ual_gemm_supports(const char* name) {
  pthread_once(&choose_once, choose);
  const int level = level_of(name);
  return level >= 0 && level <= cpu_level;
}

int ual_gemm_use(const char* name) {
  if (!ual_gemm_supports(name)) return 0;
  set_level(level_of(name));
  return 1;
}

// ---- per-thread packing buffers (freed when the thread ends) ----

typedef struct {
  float* apack;
  float* bpack;
  size_t a_floats, b_floats;
} buffers;

static pthread_key_t buffers_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void free_buffers(void* p) {
  buffers* b = p;
  free(b->apack);
  free(b->bpack);
  free(b);
}

static void make_key(void) { pthread_key_create(&buffers_key, free_buffers); }

// This thread's packing buffers, large enough for the current kernels' blocks.
static buffers* thread_buffers(void) {
  pthread_once(&key_once, make_key);
  buffers* b = pthread_getspecific(buffers_key);
  if (b == NULL) {
    b = calloc(1, sizeof *b);
    if (b == NULL || pthread_setspecific(buffers_key, b) != 0) return NULL;
  }
  const size_t a_floats = (size_t)shape->mc * (size_t)shape->kc, b_floats = (size_t)shape->kc * (size_t)shape->nc;
  if (b->a_floats < a_floats) {
    free(b->apack);
    b->apack = aligned_alloc(64, sizeof(float) * a_floats);
    b->a_floats = b->apack != NULL ? a_floats : 0;
  }
  if (b->b_floats < b_floats) {
    free(b->bpack);
    b->bpack = aligned_alloc(64, sizeof(float) * b_floats);
    b->b_floats = b->bpack != NULL ? b_floats : 0;
  }
  return b->apack != NULL && b->bpack != NULL ? b : NULL;
}

// ---- chunks of a batch ----

typedef struct {
  ual_gemm_task task;
  int64_t batch, a_stride, b_stride, c_stride;
  int chunks;
  int split;  // 0: runs of batch entries; 1: bands of rows; 2: bands of columns
} job;

static void scale_c(const ual_gemm_task* t, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  for (int64_t i = m0; i < m1; i++) {
    float* row = t->c + i * t->ldc;
    for (int64_t j = n0; j < n1; j++) row[j] = t->beta == 0 ? 0 : t->beta * row[j];
  }
}

static void product(const ual_gemm_task* t, int64_t m0, int64_t m1, int64_t n0, int64_t n1, buffers* b) {
  if (m0 >= m1 || n0 >= n1) return;
  if (t->k == 0) scale_c(t, m0, m1, n0, n1);
  else shape->block(t, m0, m1, n0, n1, b->apack, b->bpack);
}

static ual_gemm_task entry(const job* j, int64_t i) {
  ual_gemm_task t = j->task;
  t.a += i * j->a_stride;
  t.b += i * j->b_stride;
  t.c += i * j->c_stride;
  return t;
}

// Chunk `c` of the job: a run of entries, or the same band of every entry's C.
static void run_chunk(const job* j, int c) {
  buffers* b = thread_buffers();
  if (b == NULL) abort();  // out of memory for 2 MB of packing space
  const ual_gemm_task* t = &j->task;
  if (j->split == 0) {
    const int64_t from = j->batch * c / j->chunks, to = j->batch * (c + 1) / j->chunks;
    for (int64_t i = from; i < to; i++) {
      const ual_gemm_task e = entry(j, i);
      product(&e, 0, e.m, 0, e.n, b);
    }
    return;
  }
  const int64_t tile = j->split == 1 ? shape->mr : shape->nr, size = j->split == 1 ? t->m : t->n;
  const int64_t units = (size + tile - 1) / tile;
  const int64_t from = units * c / j->chunks * tile, to0 = units * (c + 1) / j->chunks * tile, to = to0 < size ? to0 : size;
  for (int64_t i = 0; i < j->batch; i++) {
    const ual_gemm_task e = entry(j, i);
    if (j->split == 1) product(&e, from, to, 0, e.n, b);
    else product(&e, 0, e.m, from, to, b);
  }
}

// ---- the pool: chunks claimed under a lock; idle workers poll briefly, then sleep ----

static int thread_count = 0;  // 0 until set or first used: one per online core
static int workers_started = 0;
static pthread_mutex_t pool_busy = PTHREAD_MUTEX_INITIALIZER;  // held by the caller using the pool
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;  // guards the job and its counters
static pthread_cond_t pool_start = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;
static atomic_uint_fast64_t generation = 0;  // bumped (under pool_lock) for every job
static job current;
static int next_chunk = 0, chunks_done = 0, caller_waiting = 0;

// Claims and runs chunks of the job of generation `gen` until none is left. Called with
// pool_lock held; returns with it held.
static void work(uint_fast64_t gen) {
  while (atomic_load_explicit(&generation, memory_order_relaxed) == gen && next_chunk < current.chunks) {
    const int c = next_chunk++;
    const job j = current;
    pthread_mutex_unlock(&pool_lock);
    run_chunk(&j, c);
    pthread_mutex_lock(&pool_lock);
    chunks_done++;
    if (chunks_done == current.chunks && caller_waiting) pthread_cond_signal(&pool_done);
  }
}

static void* worker(void* arg) {
  (void)arg;
  uint_fast64_t seen = 0;
  for (;;) {
    int spins = 0;
    while (atomic_load_explicit(&generation, memory_order_acquire) == seen && spins < SPIN_ITERATIONS) {
      cpu_relax();
      spins++;
    }
    pthread_mutex_lock(&pool_lock);
    while (atomic_load_explicit(&generation, memory_order_relaxed) == seen) pthread_cond_wait(&pool_start, &pool_lock);
    seen = atomic_load_explicit(&generation, memory_order_relaxed);
    work(seen);
    pthread_mutex_unlock(&pool_lock);
  }
  return NULL;
}

static int online_cores(void) {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int ual_gemm_threads(void) {
  if (thread_count == 0) thread_count = online_cores();
  return thread_count;
}

void ual_gemm_set_threads(int threads) {
  thread_count = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
}

// Starts workers up to `wanted` (pool_busy held). Returns how many run.
static int ensure_workers(int wanted) {
  while (workers_started < wanted) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int ok = pthread_create(&thread, &attr, worker, NULL) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) break;
    workers_started++;
  }
  return workers_started;
}

void ual_gemm_batch(const ual_gemm_task* task, int64_t batch, int64_t a_stride, int64_t b_stride, int64_t c_stride) {
  pthread_once(&choose_once, choose);
  if (batch <= 0 || task->m <= 0 || task->n <= 0) return;
  const double fmas = (double)batch * (double)task->m * (double)task->n * (double)(task->k > 0 ? task->k : 1);
  int threads = ual_gemm_threads();
  if (fmas < (double)MIN_FMAS_PER_THREAD * threads) threads = fmas < MIN_FMAS_PER_THREAD ? 1 : (int)(fmas / MIN_FMAS_PER_THREAD);
  job j = {*task, batch, a_stride, b_stride, c_stride, 1, 0};
  if (threads > 1) {
    // Runs of entries when there are enough of them, else bands of whole tiles of each entry.
    int chunks = threads * CHUNKS_PER_THREAD;
    if (batch >= threads) {
      j.split = 0;
      if (batch < chunks) chunks = (int)batch;
    } else {
      j.split = task->n <= task->m ? 1 : 2;
      const int64_t units = j.split == 1 ? (task->m + shape->mr - 1) / shape->mr : (task->n + shape->nr - 1) / shape->nr;
      if (units < chunks) chunks = (int)units;
    }
    j.chunks = chunks;
  }
  // One caller at a time uses the pool (Node's worker threads may multiply at once): the others
  // run on their own thread.
  if (j.chunks == 1 || pthread_mutex_trylock(&pool_busy) != 0) {
    j.chunks = 1;
    j.split = 0;
    run_chunk(&j, 0);
    return;
  }
  ensure_workers(threads - 1);
  pthread_mutex_lock(&pool_lock);
  current = j;
  next_chunk = 0;
  chunks_done = 0;
  const uint_fast64_t gen = atomic_fetch_add_explicit(&generation, 1, memory_order_release) + 1;
  pthread_cond_broadcast(&pool_start);
  work(gen);
  // Chunks a worker claimed may still run: wait for them, polling briefly first.
  int spins = 0;
  while (chunks_done < current.chunks) {
    if (spins < SPIN_ITERATIONS) {
      pthread_mutex_unlock(&pool_lock);
      for (int i = 0; i < 64; i++) cpu_relax();
      spins += 64;
      pthread_mutex_lock(&pool_lock);
    } else {
      caller_waiting = 1;
      pthread_cond_wait(&pool_done, &pool_lock);
      caller_waiting = 0;
    }
  }
  pthread_mutex_unlock(&pool_lock);
  pthread_mutex_unlock(&pool_busy);
}
