// UAL's own single-precision GEMM (ual_gemm.c: dispatch and threads; ual_gemm_kernel.c: one copy
// per instruction set). Used when no system BLAS is found, or when UAL_BLAS=own asks for it.
#ifndef UAL_GEMM_H
#define UAL_GEMM_H
#include <stdint.h>

// One row-major product C = alpha·op(A)·op(B) + beta·C (C is m × n with row stride ldc).
typedef struct {
  int trans_a, trans_b;
  int64_t m, n, k;
  float alpha, beta;
  const float* a;
  int64_t lda;
  const float* b;
  int64_t ldb;
  float* c;
  int64_t ldc;
} ual_gemm_task;

// An instruction set's micro-tile (mr × nr), its block sizes, and the blocked product of the rows
// [m0, m1) and columns [n0, n1) of C, packing into buffers of mc·kc and kc·nc floats.
typedef struct {
  int mr, nr, mc, kc, nc;
  void (*block)(const ual_gemm_task* t, int64_t m0, int64_t m1, int64_t n0, int64_t n1, float* apack, float* bpack);
} ual_gemm_shape;

const ual_gemm_shape* ual_gemm_block_avx512(void);
const ual_gemm_shape* ual_gemm_block_avx2(void);
const ual_gemm_shape* ual_gemm_block_base(void);

// The kernels this CPU runs ("avx512", "avx2" or the baseline's name) — UAL_CPU_KERNELS may
// ask for a lower one — and the threads a product may use.
const char* ual_gemm_kernels(void);
// Whether this CPU runs the named kernels; switching to them (process-wide, not while a product
// runs): 1 when done, 0 when the CPU cannot run them.
int ual_gemm_supports(const char* name);
const char* ual_gemm_base_name(void);
int ual_gemm_use(const char* name);
void ual_gemm_use_default(void);
int ual_gemm_threads(void);
void ual_gemm_set_threads(int threads);

// `batch` products; entry i reads A, B and C at i·(a_stride, b_stride, c_stride) floats from the
// task's pointers (a stride of 0 repeats that operand). Runs on up to ual_gemm_threads() threads.
void ual_gemm_batch(const ual_gemm_task* task, int64_t batch, int64_t a_stride, int64_t b_stride, int64_t c_stride);

#endif
