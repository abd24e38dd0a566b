// Fused elementwise kernels of a transformer's training step, run in place on a float32 heap
// (tfjs-backend-wasm's memory): GPT-2's tanh GELU, LayerNorm and the label-smoothed loss's
// per-row statistics and gradient, each forward and backward in one or two passes over the data.
// As tfjs ops these are 6 to 12 separate single-threaded passes each (GELU alone is 11 in the
// forward pass), which took more time than the matrix products of a small model.
//
// The loops are written to vectorise (-O3, -fopenmp-simd for the reductions): exp is a Cephes-
// style polynomial with an exact power-of-two scaling, accurate to about 1 ulp, instead of the
// scalar libm call. LayerNorm's means, variances and parameter gradients are accumulated in
// double precision, the loss rows' sums in 16 float lanes whose total is taken in double; every
// stored value is float32.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <node_api.h>

#include "ual_kernels.h"

#if defined(UAL_ISA_AVX512)
#define TABLE ual_kernel_table_avx512
#elif defined(UAL_ISA_AVX2)
#define TABLE ual_kernel_table_avx2
#else
#define TABLE ual_kernel_table_base
#endif

static napi_value kernel_error(napi_env env, const char* message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

// Reads (buffer, ints..., doubles...) into heap / ints / doubles; 0 (with an exception) if the
// arguments are not that, or a negative integer was given.
static int read_args(napi_env env, napi_callback_info info, const char* name, size_t n_ints, size_t n_doubles, float** heap,
                     int64_t* floats, int64_t* ints, double* doubles) {
  napi_value argv[16];
  size_t argc = 16;
  char message[160];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 + n_ints + n_doubles) {
    snprintf(message, sizeof message, "%s: expected %zu arguments", name, 1 + n_ints + n_doubles);
    kernel_error(env, message);
    return 0;
  }
  void* data = NULL;
  size_t bytes = 0;
  bool is_ab = false;
  napi_is_arraybuffer(env, argv[0], &is_ab);
  if (!is_ab || napi_get_arraybuffer_info(env, argv[0], &data, &bytes) != napi_ok || (uintptr_t)data % sizeof(float) != 0) {
    snprintf(message, sizeof message, "%s: the first argument must be an aligned ArrayBuffer", name);
    kernel_error(env, message);
    return 0;
  }
  for (size_t i = 0; i < n_ints; i++) {
    if (napi_get_value_int64(env, argv[1 + i], &ints[i]) != napi_ok || ints[i] < 0) {
      snprintf(message, sizeof message, "%s: argument %zu must be a non-negative integer", name, i + 2);
      kernel_error(env, message);
      return 0;
    }
  }
  for (size_t i = 0; i < n_doubles; i++) {
    if (napi_get_value_double(env, argv[1 + n_ints + i], &doubles[i]) != napi_ok) {
      snprintf(message, sizeof message, "%s: argument %zu must be a number", name, n_ints + i + 2);
      kernel_error(env, message);
      return 0;
    }
  }
  *heap = (float*)data;
  *floats = (int64_t)(bytes / sizeof(float));
  return 1;
}

// Whether every region [offsets[i], offsets[i] + sizes[i]) lies inside the heap.
static int inside(napi_env env, const char* name, int64_t floats, const int64_t* offsets, const int64_t* sizes, int count) {
  for (int i = 0; i < count; i++) {
    if (offsets[i] + sizes[i] > floats) {
      char message[160];
      snprintf(message, sizeof message, "%s: buffer %d lies outside the heap", name, i);
      kernel_error(env, message);
      return 0;
    }
  }
  return 1;
}

// e^x for float32, vectorisable: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so that n·ln2
// is exact), e^r by Cephes' expf polynomial, and 2^n built in the exponent bits. Inputs are
// clamped to [-87, 88] (the result stays a normal float; softmax only ever needs x ≤ 0).
static inline float ual_expf(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  const float t = x * 1.44269504088896341f;
  const float n = (t + 12582912.0f) - 12582912.0f;  // round to nearest: 1.5·2^23 pushes the fraction out
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  union {
    int32_t i;
    float f;
  } scale;
  scale.i = ((int32_t)n + 127) << 23;
  return y * scale.f;
}

#define GELU_K0 0.7978845608028654f  // sqrt(2/pi)
#define GELU_K1 0.044715f

// tanh(√(2/π)(x + 0.044715x³)) from e = exp(−2|u|): (1 − e)/(1 + e) with u's sign. The absolute
// error is ~1e-7 (as 2σ(2u) − 1 in float32, which the tfjs ops compute).
static inline float gelu_tanh(float x) {
  const float u = GELU_K0 * (x + GELU_K1 * x * x * x);
  const float a = u < 0 ? -u : u;
  const float e = ual_expf(-2.0f * a);
  const float th = (1.0f - e) / (1.0f + e);
  return u < 0 ? -th : th;
}

// geluForward(buffer, n, x, y): y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
static napi_value gelu_forward(napi_env env, napi_callback_info info) {
  float* heap;
  int64_t floats, v[3];
  if (!read_args(env, info, "geluForward", 3, 0, &heap, &floats, v, NULL)) return NULL;
  const int64_t n = v[0], offsets[2] = {v[1], v[2]}, sizes[2] = {n, n};
  if (!inside(env, "geluForward", floats, offsets, sizes, 2)) return NULL;
  const float* x = heap + v[1];
  float* y = heap + v[2];
#pragma omp simd
  for (int64_t i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + gelu_tanh(x[i]));
  return NULL;
}

// geluBackward(buffer, n, x, dy, dx): dx = dy·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)),
// t recomputed from x (cheaper than keeping it between the passes).
static napi_value gelu_backward(napi_env env, napi_callback_info info) {
  float* heap;
  int64_t floats, v[4];
  if (!read_args(env, info, "geluBackward", 4, 0, &heap, &floats, v, NULL)) return NULL;
  const int64_t n = v[0], offsets[3] = {v[1], v[2], v[3]}, sizes[3] = {n, n, n};
  if (!inside(env, "geluBackward", floats, offsets, sizes, 3)) return NULL;
  const float *x = heap + v[1], *dy = heap + v[2];
  float* dx = heap + v[3];
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    const float xi = x[i];
    const float t = gelu_tanh(xi);
    const float du = GELU_K0 * (1.0f + 3.0f * GELU_K1 * xi * xi);
    dx[i] = dy[i] * (0.5f * (1.0f + t) + 0.5f * xi * (1.0f - t * t) * du);
  }
  return NULL;
}

// layerNormForward(buffer, rows, d, x, gamma, beta, y, xhat, rstd, epsilon): per row, with the
// mean and the (biased) variance from two passes in double, x̂ = (x − mean)·rstd and
// y = x̂·γ + β; x̂ and rstd are kept for the backward pass.
static napi_value layer_norm_forward(napi_env env, napi_callback_info info) {
  float* heap;
  int64_t floats, v[8];
  double eps;
  if (!read_args(env, info, "layerNormForward", 8, 1, &heap, &floats, v, &eps)) return NULL;
  const int64_t rows = v[0], d = v[1];
  const int64_t offsets[6] = {v[2], v[3], v[4], v[5], v[6], v[7]}, sizes[6] = {rows * d, d, d, rows * d, rows * d, rows};
  if (d == 0 || !inside(env, "layerNormForward", floats, offsets, sizes, 6)) return NULL;
  const float *gamma = heap + v[3], *beta = heap + v[4];
  for (int64_t r = 0; r < rows; r++) {
    const float* x = heap + v[2] + r * d;
    float* y = heap + v[5] + r * d;
    float* xhat = heap + v[6] + r * d;
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < d; j++) sum += x[j];
    const double mean = sum / (double)d;
    double sq = 0;
#pragma omp simd reduction(+ : sq)
    for (int64_t j = 0; j < d; j++) sq += ((double)x[j] - mean) * ((double)x[j] - mean);
    const float rstd = (float)(1.0 / sqrt(sq / (double)d + eps));
    const float m = (float)mean;
#pragma omp simd
    for (int64_t j = 0; j < d; j++) {
      const float h = (x[j] - m) * rstd;
      xhat[j] = h;
      y[j] = h * gamma[j] + beta[j];
    }
    heap[v[7] + r] = rstd;
  }
  return NULL;
}

// layerNormBackward(buffer, rows, d, dy, xhat, rstd, gamma, dx, dgamma, dbeta): per row
// dx = rstd·(dĥ − mean(dĥ) − x̂·mean(dĥ·x̂)) with dĥ = dy·γ; dγ = Σ_rows dy·x̂, dβ = Σ_rows dy.
static napi_value layer_norm_backward(napi_env env, napi_callback_info info) {
  float* heap;
  int64_t floats, v[9];
  if (!read_args(env, info, "layerNormBackward", 9, 0, &heap, &floats, v, NULL)) return NULL;
  const int64_t rows = v[0], d = v[1];
  const int64_t offsets[7] = {v[2], v[3], v[4], v[5], v[6], v[7], v[8]}, sizes[7] = {rows * d, rows * d, rows, d, rows * d, d, d};
  if (d == 0 || !inside(env, "layerNormBackward", floats, offsets, sizes, 7)) return NULL;
  const float* gamma = heap + v[5];
  double* acc = (double*)calloc((size_t)(2 * d), sizeof(double));
  if (acc == NULL) return kernel_error(env, "layerNormBackward: out of memory");
  double *dgamma = acc, *dbeta = acc + d;
  for (int64_t r = 0; r < rows; r++) {
    const float* dy = heap + v[2] + r * d;
    const float* xhat = heap + v[3] + r * d;
    const float rstd = heap[v[4] + r];
    float* dx = heap + v[6] + r * d;
    double s1 = 0, s2 = 0;
#pragma omp simd reduction(+ : s1, s2)
    for (int64_t j = 0; j < d; j++) {
      const double dh = (double)dy[j] * (double)gamma[j];
      s1 += dh;
      s2 += dh * (double)xhat[j];
    }
    const float m1 = (float)(s1 / (double)d), m2 = (float)(s2 / (double)d);
#pragma omp simd
    for (int64_t j = 0; j < d; j++) {
      dx[j] = rstd * (dy[j] * gamma[j] - m1 - xhat[j] * m2);
      dgamma[j] += (double)dy[j] * (double)xhat[j];
      dbeta[j] += (double)dy[j];
    }
  }
  for (int64_t j = 0; j < d; j++) {
    heap[v[7] + j] = (float)dgamma[j];
    heap[v[8] + j] = (float)dbeta[j];
  }
  free(acc);
  return NULL;
}

// rowStats(buffer, rows, v, z, targets, max, logSumExp, target, sum): per row of the [rows, v]
// logits with a target ≥ 0: m = max z, log Σ exp(z − m), z_y − m and Σ (z − m); rows whose target is −1 get four zeros. `targets` is int32 at that element offset.
static napi_value row_stats(napi_env env, napi_callback_info info) {
  float* heap;
  int64_t floats, a[8];
  if (!read_args(env, info, "rowStats", 8, 0, &heap, &floats, a, NULL)) return NULL;
  const int64_t rows = a[0], width = a[1];
  const int64_t offsets[6] = {a[2], a[3], a[4], a[5], a[6], a[7]}, sizes[6] = {rows * width, rows, rows, rows, rows, rows};
  if (width == 0 || !inside(env, "rowStats", floats, offsets, sizes, 6)) return NULL;
  const int32_t* targets = (const int32_t*)heap + a[3];
  float *out_max = heap + a[4], *out_lse = heap + a[5], *out_target = heap + a[6], *out_sum = heap + a[7];
  for (int64_t r = 0; r < rows; r++) {
    const int32_t y = targets[r];
    if (y < 0 || y >= width) {
      out_max[r] = out_lse[r] = out_target[r] = out_sum[r] = 0;
      continue;
    }
    const float* z = heap + a[2] + r * width;
    float m = -INFINITY;
#pragma omp simd reduction(max : m)
    for (int64_t j = 0; j < width; j++) m = z[j] > m ? z[j] : m;
    // 16 float lanes, then their total in double: a double accumulator (or a float one carried
    // through every element) keeps the loop from vectorising, and is 6× slower.
    float lanes_exp[16] = {0}, lanes_shifted[16] = {0};
    int64_t j = 0;
    for (; j + 16 <= width; j += 16) {
#pragma omp simd
      for (int l = 0; l < 16; l++) {
        const float shifted = z[j + l] - m;
        lanes_exp[l] += ual_expf(shifted);
        lanes_shifted[l] += shifted;
      }
    }
    double sum_exp = 0, sum_shifted = 0;
    for (int l = 0; l < 16; l++) {
      sum_exp += lanes_exp[l];
      sum_shifted += lanes_shifted[l];
    }
    for (; j < width; j++) {
      const float shifted = z[j] - m;
      sum_exp += ual_expf(shifted);
      sum_shifted += shifted;
    }
    out_max[r] = m;
    out_lse[r] = (float)log(sum_exp);
    out_target[r] = z[y] - m;
    out_sum[r] = (float)sum_shifted;
  }
  return NULL;
}

// rowGrad(buffer, rows, v, z, targets, logSumExp, scale, offScale, targetScale, g):
// g[r, j] = scale[r]·exp(z[r, j] − logSumExp[r]) − offScale[r], then g[r, y] −= targetScale[r];
// rows whose target is −1 (or whose three weights are 0) are 0. logSumExp is the full one
// (max included).
static napi_value row_grad(napi_env env, napi_callback_info info) {
  float* heap;
  int64_t floats, a[9];
  if (!read_args(env, info, "rowGrad", 9, 0, &heap, &floats, a, NULL)) return NULL;
  const int64_t rows = a[0], width = a[1];
  const int64_t offsets[7] = {a[2], a[3], a[4], a[5], a[6], a[7], a[8]};
  const int64_t sizes[7] = {rows * width, rows, rows, rows, rows, rows, rows * width};
  if (width == 0 || !inside(env, "rowGrad", floats, offsets, sizes, 7)) return NULL;
  const int32_t* targets = (const int32_t*)heap + a[3];
  const float *lse = heap + a[4], *scale = heap + a[5], *off_scale = heap + a[6], *target_scale = heap + a[7];
  for (int64_t r = 0; r < rows; r++) {
    float* g = heap + a[8] + r * width;
    const int32_t y = targets[r];
    const float s = scale[r], as = off_scale[r], cs = target_scale[r];
    if (y < 0 || y >= width || (s == 0 && as == 0 && cs == 0)) {
#pragma omp simd
      for (int64_t j = 0; j < width; j++) g[j] = 0;
      continue;
    }
    const float* z = heap + a[2] + r * width;
    const float k = lse[r];
#pragma omp simd
    for (int64_t j = 0; j < width; j++) g[j] = s * ual_expf(z[j] - k) - as;
    g[y] -= cs;
  }
  return NULL;
}

static const ual_kernel_table table = {gelu_forward, gelu_backward, layer_norm_forward, layer_norm_backward, row_stats, row_grad};

// This instruction set's copy of the kernels.
const ual_kernel_table* TABLE(void) { return &table; }
