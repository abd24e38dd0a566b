// One instruction set's single-precision GEMM: packing and the register-blocked micro-kernel of a
// BLIS-style blocked product (Goto's algorithm), for one thread's share of the work.
//
// This file is compiled once per instruction set (build_addon.mjs: -DUAL_ISA_AVX512 with the
// AVX-512 flags, -DUAL_ISA_AVX2 with AVX2+FMA, and the architecture's baseline), each copy
// exporting one entry point under its own name; ual_gemm.c picks one at run time from what the
// CPU reports, so one built addon runs on any CPU of its architecture.
//
// The micro-kernel is written with GCC/Clang vector extensions rather than intrinsics: the same
// source becomes AVX-512, AVX2+FMA, SSE2 or NEON code. Every element of C is one sequential sum
// over k (a fused multiply-add per step where the ISA has one), so products on AVX-512, AVX2+FMA
// and NEON are bit-identical, and independent of the thread count.
#include <stdint.h>
#include <string.h>

#include "ual_gemm.h"

#if defined(UAL_ISA_AVX512)
#define W 16  // floats per vector
#define NV 2  // vectors per row of the micro-tile: NR = 32
#define MR 12 // rows of the micro-tile: 24 accumulators of 32 registers
#define ENTRY ual_gemm_block_avx512
#elif defined(UAL_ISA_AVX2)
#define W 8
#define NV 2 // NR = 16
#define MR 6 // 12 accumulators of 16 registers
#define ENTRY ual_gemm_block_avx2
#else
#define W 4
#define NV 2 // NR = 8
#define MR 6
#define ENTRY ual_gemm_block_base
#endif
#define NR (W * NV)

// Block sizes: a KC × NR panel of B and an MR × KC panel of A stay in L1 through a micro-kernel
// call, an MC × KC block of A in L2, a KC × NC block of B in the last-level cache.
#define KC 256
#define MC (MR * 10)
#define NC 2048

typedef float vf __attribute__((vector_size(W * sizeof(float))));
typedef float vf_u __attribute__((vector_size(W * sizeof(float)), aligned(sizeof(float))));

#define REP4(s) s, s, s, s
#if W == 16
#define REP(s) REP4(s), REP4(s), REP4(s), REP4(s)
#elif W == 8
#define REP(s) REP4(s), REP4(s)
#else
#define REP(s) REP4(s)
#endif

// s in every lane (one broadcast instruction).
static inline vf splat(float s) { return (vf){REP(s)}; }

// Ap[p·MR + i] = alpha·op(A)[i0 + i][p0 + p] for one MR-row panel, zero past the last row.
static void pack_a(int trans_a, const float* a, int64_t lda, int64_t i0, int64_t rows, int64_t p0, int64_t kc, float alpha, float* ap) {
  if (!trans_a) {
    // A is row-major M × K: rows are contiguous along k.
    for (int64_t i = 0; i < rows; i++) {
      const float* src = a + (i0 + i) * lda + p0;
      for (int64_t p = 0; p < kc; p++) ap[p * MR + i] = alpha * src[p];
    }
  } else {
    // op(A) = Aᵀ, A stored K × M: each k gives MR contiguous values.
    for (int64_t p = 0; p < kc; p++) {
      const float* src = a + (p0 + p) * lda + i0;
      for (int64_t i = 0; i < rows; i++) ap[p * MR + i] = alpha * src[i];
    }
  }
  if (rows < MR) {
    for (int64_t p = 0; p < kc; p++)
      for (int64_t i = rows; i < MR; i++) ap[p * MR + i] = 0;
  }
}

// Bp[p·NR + j] = op(B)[p0 + p][j0 + j] for one NR-column panel, zero past the last column.
static void pack_b(int trans_b, const float* b, int64_t ldb, int64_t p0, int64_t kc, int64_t j0, int64_t cols, float* bp) {
  if (!trans_b) {
    // B is row-major K × N: each k gives NR contiguous values.
    if (cols == NR) {
      for (int64_t p = 0; p < kc; p++) memcpy(bp + p * NR, b + (p0 + p) * ldb + j0, sizeof(float) * NR);
    } else {
      for (int64_t p = 0; p < kc; p++) {
        const float* src = b + (p0 + p) * ldb + j0;
        for (int64_t j = 0; j < cols; j++) bp[p * NR + j] = src[j];
        for (int64_t j = cols; j < NR; j++) bp[p * NR + j] = 0;
      }
    }
  } else {
    // op(B) = Bᵀ, B stored N × K: each column of op(B) is a contiguous row of B.
    for (int64_t j = 0; j < cols; j++) {
      const float* src = b + (j0 + j) * ldb + p0;
      for (int64_t p = 0; p < kc; p++) bp[p * NR + j] = src[p];
    }
    for (int64_t j = cols; j < NR; j++)
      for (int64_t p = 0; p < kc; p++) bp[p * NR + j] = 0;
  }
}

// The MR × NR tile: acc = Ap·Bp over kc, then C = acc + beta·C on the rows × cols inside C
// (beta 0 never reads C, so C may hold anything, NaN included).
static void micro_kernel(int64_t kc, const float* restrict ap, const float* restrict bp, float* c, int64_t ldc, int64_t rows,
                         int64_t cols, float beta) {
  vf acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[i][v] = splat(0);
  for (int64_t p = 0; p < kc; p++) {
    vf b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) b[v] = *(const vf*)(bp + p * NR + v * W);
#pragma GCC unroll 32
    for (int i = 0; i < MR; i++) {
      const vf a = splat(ap[p * MR + i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[i][v] += a * b[v];
    }
  }
  if (rows == MR && cols == NR) {
    if (beta == 0) {
#pragma GCC unroll 32
      for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) *(vf_u*)(c + i * ldc + v * W) = acc[i][v];
    } else {
      const vf bv = splat(beta);
#pragma GCC unroll 32
      for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
          vf_u* out = (vf_u*)(c + i * ldc + v * W);
          *out = acc[i][v] + bv * *out;
        }
    }
    return;
  }
  float tile[MR * NR] __attribute__((aligned(64)));
  for (int i = 0; i < MR; i++)
    for (int v = 0; v < NV; v++) *(vf*)(tile + i * NR + v * W) = acc[i][v];
  for (int64_t i = 0; i < rows; i++) {
    float* out = c + i * ldc;
    const float* in = tile + i * NR;
    if (beta == 0) {
      for (int64_t j = 0; j < cols; j++) out[j] = in[j];
    } else {
      for (int64_t j = 0; j < cols; j++) out[j] = in[j] + beta * out[j];
    }
  }
}

const ual_gemm_shape* ENTRY(void);

// The product for C rows [m0, m1) and columns [n0, n1) of one matrix: C = alpha·op(A)·op(B) +
// beta·C, with this thread's packing buffers (sizes from the shape: MC·KC and KC·NC floats).
static void block(const ual_gemm_task* t, int64_t m0, int64_t m1, int64_t n0, int64_t n1, float* apack, float* bpack) {
  for (int64_t jc = n0; jc < n1; jc += NC) {
    const int64_t nc = n1 - jc < NC ? n1 - jc : NC;
    for (int64_t pc = 0; pc < t->k; pc += KC) {
      const int64_t kc = t->k - pc < KC ? t->k - pc : KC;
      // C's old values count once: beta on the first slice of k, then the sum so far.
      const float beta = pc == 0 ? t->beta : 1.0f;
      for (int64_t jr = 0; jr < nc; jr += NR) {
        const int64_t cols = nc - jr < NR ? nc - jr : NR;
        pack_b(t->trans_b, t->b, t->ldb, pc, kc, jc + jr, cols, bpack + jr * kc);
      }
      for (int64_t ic = m0; ic < m1; ic += MC) {
        const int64_t mc = m1 - ic < MC ? m1 - ic : MC;
        for (int64_t ir = 0; ir < mc; ir += MR) {
          const int64_t rows = mc - ir < MR ? mc - ir : MR;
          pack_a(t->trans_a, t->a, t->lda, ic + ir, rows, pc, kc, t->alpha, apack + ir * kc);
        }
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const int64_t cols = nc - jr < NR ? nc - jr : NR;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t rows = mc - ir < MR ? mc - ir : MR;
            micro_kernel(kc, apack + ir * kc, bpack + jr * kc, t->c + (ic + ir) * t->ldc + jc + jr, t->ldc, rows, cols, beta);
          }
        }
      }
    }
  }
}

static const ual_gemm_shape shape = {MR, NR, MC, KC, NC, block};

// This ISA's tile shape, block sizes and blocked product.
const ual_gemm_shape* ENTRY(void) { return &shape; }
