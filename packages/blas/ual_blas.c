// @ual/blas: single-precision matrix products run in place on memory JavaScript already owns — in
// particular the WebAssembly heap of tfjs-backend-wasm, so that a tfjs kernel can multiply tensors
// without copying them out of the heap and back — on an optimised system BLAS where one is found
// (OpenBLAS, or any library with cblas_sgemm named by UAL_BLAS_LIBRARY), else on the addon's own
// kernels (ual_gemm.c, chosen at run time for the CPU).
//
// The library is opened with dlopen at first use rather than linked, so that building this addon
// needs only a C compiler and Node's headers (no -dev package), and a machine without OpenBLAS
// still loads the addon and multiplies on its own kernels.
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>

#include "ual_eigen.h"
#include "ual_gemm.h"
#include "ual_kernels.h"

// CBLAS constants (cblas.h): fixed by the standard, declared here to avoid the header.
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc);
// LAPACK's dsyevr (Fortran calling convention; the trailing hidden string lengths are passed too,
// which compilers that do not expect them ignore).
typedef void (*dsyevr_fn)(const char* jobz, const char* range, const char* uplo, const int* n, double* a, const int* lda,
                          const double* vl, const double* vu, const int* il, const int* iu, const double* abstol, int* m,
                          double* w, double* z, const int* ldz, int* isuppz, double* work, const int* lwork, int* iwork,
                          const int* liwork, int* info, size_t, size_t, size_t);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char* (*get_string_fn)(void);

static sgemm_fn sgemm = NULL;
static dsyevr_fn dsyevr = NULL;
static set_threads_fn set_threads = NULL;
static get_threads_fn get_threads = NULL;
static get_string_fn get_config = NULL;
static get_string_fn get_corename = NULL;
static int use_system = 1;  // multiply on the system library when one is loaded (useKernels)
static char library_path[1024] = "";
static char load_error[2048] = "";
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

// Where Debian, Ubuntu, Fedora and Homebrew put OpenBLAS; the pthread build first (the OpenMP
// build would start its own thread pool beside Node's).
static const char* const CANDIDATES[] = {
  "libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib64/libopenblas.so.0",
  "/usr/lib64/libopenblasp.so.0",
  "libopenblas.so",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
  NULL,
};

static int try_open(const char* path) {
  void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    const char* why = dlerror();
    size_t used = strlen(load_error);
    snprintf(load_error + used, sizeof load_error - used, "%s%s", used > 0 ? "; " : "", why ? why : path);
    return 0;
  }
  sgemm_fn fn = (sgemm_fn)dlsym(handle, "cblas_sgemm");
  if (fn == NULL) {
    size_t used = strlen(load_error);
    snprintf(load_error + used, sizeof load_error - used, "%s%s has no cblas_sgemm", used > 0 ? "; " : "", path);
    dlclose(handle);
    return 0;
  }
  sgemm = fn;
  dsyevr = (dsyevr_fn)dlsym(handle, "dsyevr_");
  set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
  get_threads = (get_threads_fn)dlsym(handle, "openblas_get_num_threads");
  get_config = (get_string_fn)dlsym(handle, "openblas_get_config");
  get_corename = (get_string_fn)dlsym(handle, "openblas_get_corename");
  snprintf(library_path, sizeof library_path, "%s", path);
  return 1;
}

static void open_library(void) {
  // UAL_BLAS=own: the addon's own kernels even where a system BLAS is installed.
  const char* mode = getenv("UAL_BLAS");
  if (mode != NULL && strcmp(mode, "own") == 0) {
    snprintf(load_error, sizeof load_error, "UAL_BLAS=own");
    return;
  }
  const char* chosen = getenv("UAL_BLAS_LIBRARY");
  if (chosen != NULL && chosen[0] != '\0') {
    try_open(chosen);
    return;
  }
  for (int i = 0; CANDIDATES[i] != NULL && sgemm == NULL; i++) try_open(CANDIDATES[i]);
}

// Worker threads load the addon too (data-parallel training): the library is opened once.
static void load_library(void) { pthread_once(&load_once, open_library); }

static napi_value throw_error(napi_env env, const char* message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static int get_int(napi_env env, napi_value v, int64_t* out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

// sgemmBatch(buffer, transA, transB, batch, m, n, k, aOffset, aStride, bOffset, bStride,
//            cOffset, cStride, alpha, beta)
// Row-major C[i] = alpha·op(A[i])·op(B[i]) + beta·C[i] for i < batch. Offsets and strides count
// float32 elements from the start of `buffer` (an ArrayBuffer, e.g. wasm memory); a stride of 0
// repeats one matrix for every batch entry. Every matrix is checked to lie inside the buffer.
static napi_value sgemm_batch(napi_env env, napi_callback_info info) {
  size_t argc = 15;
  napi_value argv[15];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 15) {
    return throw_error(env, "sgemmBatch: expected 15 arguments");
  }
  load_library();
  void* data = NULL;
  size_t bytes = 0;
  bool is_ab = false;
  napi_is_arraybuffer(env, argv[0], &is_ab);
  if (!is_ab || napi_get_arraybuffer_info(env, argv[0], &data, &bytes) != napi_ok) {
    return throw_error(env, "sgemmBatch: the first argument must be an ArrayBuffer");
  }
  int64_t v[12];
  for (int i = 0; i < 12; i++) {
    if (!get_int(env, argv[i + 1], &v[i])) return throw_error(env, "sgemmBatch: arguments 2-13 must be integers");
  }
  double alpha = 1, beta = 0;
  if (napi_get_value_double(env, argv[13], &alpha) != napi_ok || napi_get_value_double(env, argv[14], &beta) != napi_ok) {
    return throw_error(env, "sgemmBatch: alpha and beta must be numbers");
  }
  const int64_t trans_a = v[0], trans_b = v[1], batch = v[2], m = v[3], n = v[4], k = v[5];
  const int64_t a_off = v[6], a_stride = v[7], b_off = v[8], b_stride = v[9], c_off = v[10], c_stride = v[11];
  if (batch < 0 || m < 0 || n < 0 || k < 0 || a_off < 0 || b_off < 0 || c_off < 0 || a_stride < 0 || b_stride < 0 || c_stride < 0 ||
      m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    return throw_error(env, "sgemmBatch: sizes, offsets and strides must be non-negative and fit in 32 bits");
  }
  if (batch == 0 || m == 0 || n == 0) return NULL;
  const int64_t floats = (int64_t)(bytes / sizeof(float));
  const int64_t last = batch - 1;
  if ((uintptr_t)data % sizeof(float) != 0 ||
      a_off + last * a_stride + m * k > floats || b_off + last * b_stride + k * n > floats ||
      c_off + last * c_stride + m * n > floats) {
    return throw_error(env, "sgemmBatch: a matrix lies outside the buffer");
  }
  float* base = (float*)data;
  if (sgemm == NULL || !use_system) {
    const ual_gemm_task task = {trans_a != 0, trans_b != 0, m, n, k, (float)alpha, (float)beta, base + a_off, trans_a ? m : k,
                                base + b_off, trans_b ? k : n, base + c_off, n};
    ual_gemm_batch(&task, batch, a_stride, b_stride, c_stride);
    return NULL;
  }
  const int ta = trans_a ? TRANS : NO_TRANS, tb = trans_b ? TRANS : NO_TRANS;
  const int lda = trans_a ? (int)m : (int)k, ldb = trans_b ? (int)k : (int)n;
  for (int64_t i = 0; i < batch; i++) {
    sgemm(ROW_MAJOR, ta, tb, (int)m, (int)n, (int)k, (float)alpha, base + a_off + i * a_stride, lda > 0 ? lda : 1,
          base + b_off + i * b_stride, ldb > 0 ? ldb : 1, (float)beta, base + c_off + i * c_stride, (int)n);
  }
  return NULL;
}

// adamwStep(buffer, n, param, grad, m, v, outParam, outM, outV, beta1, beta2, stepSize, invC2, epsilon, decay)
// One AdamW update (PyTorch's order: decay, then the step with denominator sqrt(v/c2) + eps) of n
// float32 values at the given float offsets into `buffer`, written to the three outputs. Needs
// no BLAS: it is here because it runs on the same wasm heap.
static napi_value adamw_step(napi_env env, napi_callback_info info) {
  size_t argc = 15;
  napi_value argv[15];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 15) return throw_error(env, "adamwStep: expected 15 arguments");
  void* data = NULL;
  size_t bytes = 0;
  bool is_ab = false;
  napi_is_arraybuffer(env, argv[0], &is_ab);
  if (!is_ab || napi_get_arraybuffer_info(env, argv[0], &data, &bytes) != napi_ok) return throw_error(env, "adamwStep: the first argument must be an ArrayBuffer");
  int64_t v[8];
  for (int i = 0; i < 8; i++) {
    if (!get_int(env, argv[i + 1], &v[i]) || v[i] < 0) return throw_error(env, "adamwStep: the count and offsets must be non-negative integers");
  }
  double c[6];
  for (int i = 0; i < 6; i++) {
    if (napi_get_value_double(env, argv[i + 9], &c[i]) != napi_ok) return throw_error(env, "adamwStep: the constants must be numbers");
  }
  const int64_t n = v[0], floats = (int64_t)(bytes / sizeof(float));
  for (int i = 1; i < 8; i++) {
    if (v[i] + n > floats) return throw_error(env, "adamwStep: a buffer lies outside the heap");
  }
  float* heap = (float*)data;
  const float *p = heap + v[1], *g = heap + v[2], *m0 = heap + v[3], *v0 = heap + v[4];
  float *p1 = heap + v[5], *m1 = heap + v[6], *v1 = heap + v[7];
  const float beta1 = (float)c[0], beta2 = (float)c[1], a1 = (float)(1 - c[0]), a2 = (float)(1 - c[1]);
  const float step = (float)c[2], inv_c2 = (float)c[3], eps = (float)c[4], decay = (float)c[5];
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m0[i] * beta1 + gi * a1;
    const float vi = v0[i] * beta2 + gi * gi * a2;
    m1[i] = mi;
    v1[i] = vi;
    p1[i] = p[i] * decay - (mi * step) / (__builtin_sqrtf(vi * inv_c2) + eps);
  }
  return NULL;
}

// The result object of symmetricTop from the addon's own solver.
static napi_value symmetric_top_own(napi_env env, const void* data, int n, int k) {
  napi_value values, vectors, values_buffer, vectors_buffer;
  double* values_data = NULL;
  double* vectors_data = NULL;
  if (napi_create_arraybuffer(env, sizeof(double) * (size_t)k, (void**)&values_data, &values_buffer) != napi_ok ||
      napi_create_arraybuffer(env, sizeof(double) * (size_t)k * (size_t)n, (void**)&vectors_data, &vectors_buffer) != napi_ok) {
    return throw_error(env, "symmetricTop: out of memory");
  }
  const int status = ual_symmetric_top((const double*)data, n, k, values_data, vectors_data);
  if (status == -1) return throw_error(env, "symmetricTop: the matrix has a non-finite entry");
  if (status != 0) return throw_error(env, "symmetricTop: out of memory");
  napi_create_typedarray(env, napi_float64_array, (size_t)k, values_buffer, 0, &values);
  napi_create_typedarray(env, napi_float64_array, (size_t)k * (size_t)n, vectors_buffer, 0, &vectors);
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "values", values);
  napi_set_named_property(env, result, "vectors", vectors);
  return result;
}

// symmetricTop(matrix, n, k) -> { values: Float64Array(k), vectors: Float64Array(k * n) }: the k
// largest eigenvalues (descending) of the symmetric n × n matrix and their unit eigenvectors
// (vector j at j·n). By LAPACK's dsyevr (MRRR), which computes just those k, where the system
// library has it and is in use; else by the addon's own solver (ual_eigen.c: tridiagonalisation,
// bisection, inverse iteration). The matrix is not modified.
static napi_value symmetric_top(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) return throw_error(env, "symmetricTop: expected 3 arguments");
  load_library();
  bool is_typed = false;
  napi_is_typedarray(env, argv[0], &is_typed);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = NULL;
  if (!is_typed || napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float64_array) {
    return throw_error(env, "symmetricTop: the matrix must be a Float64Array");
  }
  int64_t n64 = 0, k64 = 0;
  if (!get_int(env, argv[1], &n64) || !get_int(env, argv[2], &k64) || n64 < 1 || n64 > 46340 || k64 < 1 || k64 > n64 ||
      (int64_t)length != n64 * n64) {
    return throw_error(env, "symmetricTop: expected an n × n matrix (length n²) and 1 ≤ k ≤ n");
  }
  if (dsyevr == NULL || !use_system) return symmetric_top_own(env, data, (int)n64, (int)k64);
  const int n = (int)n64, k = (int)k64;
  double* a = malloc(sizeof(double) * (size_t)n * (size_t)n);
  double* w = malloc(sizeof(double) * (size_t)n);
  int* isuppz = malloc(sizeof(int) * 2 * (size_t)k);
  napi_value values, vectors, values_buffer, vectors_buffer;
  double* values_data = NULL;
  double* vectors_data = NULL;
  napi_create_arraybuffer(env, sizeof(double) * (size_t)k, (void**)&values_data, &values_buffer);
  napi_create_arraybuffer(env, sizeof(double) * (size_t)k * (size_t)n, (void**)&vectors_data, &vectors_buffer);
  if (a == NULL || w == NULL || isuppz == NULL || values_data == NULL || vectors_data == NULL) {
    free(a), free(w), free(isuppz);
    return throw_error(env, "symmetricTop: out of memory");
  }
  memcpy(a, data, sizeof(double) * (size_t)n * (size_t)n);
  const int il = n - k + 1, iu = n, lda = n, ldz = n;
  const double vl = 0, vu = 0, abstol = 0;
  int m = 0, status = 0, query = -1, iwork_query = 0;
  double work_query = 0;
  // the workspace query, then the call; z receives the k vectors column by column (ascending)
  dsyevr("V", "I", "U", &n, a, &lda, &vl, &vu, &il, &iu, &abstol, &m, w, vectors_data, &ldz, isuppz, &work_query, &query,
         &iwork_query, &query, &status, 1, 1, 1);
  int lwork = status == 0 ? (int)work_query : 26 * n, liwork = status == 0 ? iwork_query : 10 * n;
  double* work = malloc(sizeof(double) * (size_t)lwork);
  int* iwork = malloc(sizeof(int) * (size_t)liwork);
  if (work == NULL || iwork == NULL) {
    free(a), free(w), free(isuppz), free(work), free(iwork);
    return throw_error(env, "symmetricTop: out of memory");
  }
  status = 0;
  dsyevr("V", "I", "U", &n, a, &lda, &vl, &vu, &il, &iu, &abstol, &m, w, vectors_data, &ldz, isuppz, work, &lwork, iwork,
         &liwork, &status, 1, 1, 1);
  free(a), free(isuppz), free(work), free(iwork);
  if (status != 0 || m != k) {
    free(w);
    char message[128];
    snprintf(message, sizeof message, "symmetricTop: dsyevr failed (info %d, %d of %d eigenvalues)", status, m, k);
    return throw_error(env, message);
  }
  // ascending -> descending, the vectors with them
  for (int j = 0; j < k; j++) values_data[j] = w[k - 1 - j];
  for (int j = 0; j < k / 2; j++) {
    double* x = vectors_data + (size_t)j * (size_t)n;
    double* y = vectors_data + (size_t)(k - 1 - j) * (size_t)n;
    for (int i = 0; i < n; i++) {
      double t = x[i];
      x[i] = y[i];
      y[i] = t;
    }
  }
  free(w);
  napi_create_typedarray(env, napi_float64_array, (size_t)k, values_buffer, 0, &values);
  napi_create_typedarray(env, napi_float64_array, (size_t)k * (size_t)n, vectors_buffer, 0, &vectors);
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "values", values);
  napi_set_named_property(env, result, "vectors", vectors);
  return result;
}

// setThreads(n): the matmuls' thread count (process-wide): the system library's and the own
// kernels' pool.
static napi_value set_thread_count(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t n = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 || !get_int(env, argv[0], &n) || n < 1) {
    return throw_error(env, "setThreads: expected a positive integer");
  }
  load_library();
  if (set_threads != NULL) set_threads((int)n);
  ual_gemm_set_threads((int)n);
  return NULL;
}

// kernelPaths(): the matmul paths this machine has, the one in use first by default: "system"
// where a library was loaded, then the own kernels the CPU runs, widest first.
static napi_value kernel_paths(napi_env env, napi_callback_info info) {
  (void)info;
  load_library();
  static const char* const OWN[] = {"avx512", "avx2", "base"};
  napi_value list;
  napi_create_array(env, &list);
  uint32_t count = 0;
  if (sgemm != NULL) {
    napi_value s;
    napi_create_string_utf8(env, "system", NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, list, count++, s);
  }
  for (size_t i = 0; i < sizeof OWN / sizeof OWN[0]; i++) {
    if (!ual_gemm_supports(OWN[i])) continue;
    const char* name = strcmp(OWN[i], "base") == 0 ? ual_gemm_base_name() : OWN[i];
    napi_value s;
    napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, list, count++, s);
  }
  return list;
}

// useKernels(name): multiply on the named path from now on (process-wide; not while a product
// runs): "system", or own kernels by instruction set ("avx512", "avx2", "sse2", …). False when
// this machine has no such path.
static napi_value use_kernels(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char name[32] = "";
  size_t length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 ||
      napi_get_value_string_utf8(env, argv[0], name, sizeof name, &length) != napi_ok) {
    return throw_error(env, "useKernels: expected a path name");
  }
  load_library();
  int ok = 0;
  if (strcmp(name, "system") == 0) {
    ok = sgemm != NULL;
    if (ok) {
      use_system = 1;
      ual_gemm_use_default();  // the fused kernels' copy
    }
  } else if (ual_gemm_use(name)) {
    ok = 1;
    use_system = 0;
  }
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

static void set_string(napi_env env, napi_value obj, const char* key, const char* value) {
  napi_value s;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, key, s);
}

// info(): { loaded (a system BLAS), library, error (why none), config, corename, threads,
//          kernels (the own kernels' instruction set), ownThreads }
static napi_value library_info(napi_env env, napi_callback_info info) {
  (void)info;
  load_library();
  napi_value obj, flag, threads;
  napi_create_object(env, &obj);
  napi_get_boolean(env, sgemm != NULL && use_system, &flag);
  napi_set_named_property(env, obj, "loaded", flag);
  set_string(env, obj, "library", library_path);
  set_string(env, obj, "error", sgemm == NULL ? load_error : use_system ? "" : "useKernels chose the own kernels");
  set_string(env, obj, "config", get_config != NULL ? get_config() : "");
  set_string(env, obj, "corename", get_corename != NULL ? get_corename() : "");
  napi_create_int32(env, get_threads != NULL ? get_threads() : 0, &threads);
  napi_set_named_property(env, obj, "threads", threads);
  set_string(env, obj, "kernels", ual_gemm_kernels());
  napi_value own_threads;
  napi_create_int32(env, ual_gemm_threads(), &own_threads);
  napi_set_named_property(env, obj, "ownThreads", own_threads);
  return obj;
}

// The fused kernels' copy for the instruction set the matmuls use (useKernels switches both).
static const ual_kernel_table* kernel_table(void) {
  const char* isa = ual_gemm_kernels();
#if defined(__x86_64__)
  if (strcmp(isa, "avx512") == 0) return ual_kernel_table_avx512();
  if (strcmp(isa, "avx2") == 0) return ual_kernel_table_avx2();
#else
  (void)isa;
#endif
  return ual_kernel_table_base();
}

#define DISPATCH(name) \
  static napi_value name(napi_env env, napi_callback_info info) { return kernel_table()->name(env, info); }
DISPATCH(gelu_forward)
DISPATCH(gelu_backward)
DISPATCH(layer_norm_forward)
DISPATCH(layer_norm_backward)
DISPATCH(row_stats)
DISPATCH(row_grad)

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    {"sgemmBatch", NULL, sgemm_batch, NULL, NULL, NULL, napi_default, NULL},
    {"adamwStep", NULL, adamw_step, NULL, NULL, NULL, napi_default, NULL},
    {"symmetricTop", NULL, symmetric_top, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, set_thread_count, NULL, NULL, NULL, napi_default, NULL},
    {"info", NULL, library_info, NULL, NULL, NULL, napi_default, NULL},
    {"kernelPaths", NULL, kernel_paths, NULL, NULL, NULL, napi_default, NULL},
    {"useKernels", NULL, use_kernels, NULL, NULL, NULL, napi_default, NULL},
    {"geluForward", NULL, gelu_forward, NULL, NULL, NULL, napi_default, NULL},
    {"geluBackward", NULL, gelu_backward, NULL, NULL, NULL, napi_default, NULL},
    {"layerNormForward", NULL, layer_norm_forward, NULL, NULL, NULL, napi_default, NULL},
    {"layerNormBackward", NULL, layer_norm_backward, NULL, NULL, NULL, napi_default, NULL},
    {"rowStats", NULL, row_stats, NULL, NULL, NULL, napi_default, NULL},
    {"rowGrad", NULL, row_grad, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
