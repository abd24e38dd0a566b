// The k largest eigenvalues of a symmetric matrix and their unit eigenvectors, without LAPACK: the
// clustering metric's per-pair PCA needs the top two of ~900 small matrices (n ≤ a few hundred)
// per evaluation, which the JavaScript Jacobi solver takes seconds for.
//
// The classical route (Golub & Van Loan §8.3–8.5; LAPACK's dsytd2 / dstebz / dstein / dormtr do
// the same steps):
//   1. Householder reduction to tridiagonal form, QᵀAQ = T (≈ 2n³ flops here: the trailing block
//      is updated in full storage so that every loop is an element-wise one that vectorises);
//   2. the k largest eigenvalues of T by bisection on Sturm sequence counts (O(n) per step);
//   3. their eigenvectors of T by inverse iteration (tridiagonal LU with partial pivoting), each
//      vector orthogonalised against the earlier ones of its cluster;
//   4. back to A's basis by the stored reflectors (Q·x, O(n²) per vector).
// Every loop is element-wise or a reduction in a fixed order and the file is compiled without
// floating-point contraction, so the result does not depend on the CPU's vector width.
#include "ual_eigen.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// The number of eigenvalues of the tridiagonal (d, e) less than x, by the signs of the pivots of
// T − xI = LDLᵀ; a pivot smaller than pivmin is replaced by −pivmin (as LAPACK's dlaebz).
static int count_below(const double* d, const double* e2, int n, double x, double pivmin) {
  int count = 0;
  double q = d[0] - x;
  if (fabs(q) < pivmin) q = -pivmin;
  if (q < 0) count++;
  for (int i = 1; i < n; i++) {
    q = d[i] - x - e2[i - 1] / q;
    if (fabs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
  }
  return count;
}

// Solves the tridiagonal T − λI (diagonal d − λ, both off-diagonals e) in place on b, by Gaussian
// elimination with partial pivoting (as LAPACK's dgttrf/dgttrs). A zero pivot becomes `tiny`, so
// that a λ equal to an eigenvalue (the point of inverse iteration) still gives a finite, large x.
static void solve_shifted(const double* d, const double* e, int n, double lambda, double tiny, double* b, double* work) {
  double* dd = work;
  double* du = work + n;
  double* du2 = work + 2 * n;
  double* dl = work + 3 * n;
  char* swapped = (char*)(work + 4 * n);
  for (int i = 0; i < n; i++) {
    dd[i] = d[i] - lambda;
    du[i] = i < n - 1 ? e[i] : 0;
    dl[i] = i < n - 1 ? e[i] : 0;
    du2[i] = 0;
    swapped[i] = 0;
  }
  for (int i = 0; i < n - 1; i++) {
    if (fabs(dd[i]) >= fabs(dl[i])) {
      if (dd[i] == 0) dd[i] = tiny;
      const double factor = dl[i] / dd[i];
      dl[i] = factor;
      dd[i + 1] -= factor * du[i];
    } else {
      const double factor = dd[i] / dl[i];
      dd[i] = dl[i];
      dl[i] = factor;
      const double upper = du[i];
      du[i] = dd[i + 1];
      dd[i + 1] = upper - factor * dd[i + 1];
      if (i < n - 2) {
        du2[i] = du[i + 1];
        du[i + 1] = -factor * du[i + 1];
      }
      swapped[i] = 1;
    }
  }
  if (dd[n - 1] == 0) dd[n - 1] = tiny;
  for (int i = 0; i < n - 1; i++) {
    if (!swapped[i]) {
      b[i + 1] -= dl[i] * b[i];
    } else {
      const double t = b[i];
      b[i] = b[i + 1];
      b[i + 1] = t - dl[i] * b[i];
    }
  }
  b[n - 1] /= dd[n - 1];
  if (n > 1) b[n - 2] = (b[n - 2] - du[n - 2] * b[n - 1]) / dd[n - 2];
  for (int i = n - 3; i >= 0; i--) b[i] = (b[i] - du[i] * b[i + 1] - du2[i] * b[i + 2]) / dd[i];
}

static double norm2(const double* x, int n) {
  double scale = 0;
  for (int i = 0; i < n; i++) scale = fmax(scale, fabs(x[i]));
  if (scale == 0) return 0;
  double sum = 0;
  for (int i = 0; i < n; i++) {
    const double t = x[i] / scale;
    sum += t * t;
  }
  return scale * sqrt(sum);
}

int ual_symmetric_top(const double* matrix, int n, int k, double* values, double* vectors) {
  if (n < 1 || k < 1 || k > n) return -1;
  const size_t nn = (size_t)n * (size_t)n;
  // a: the working copy (its strict lower part of row j+1.. holds reflector j); v: reflectors
  double* a = malloc(sizeof(double) * nn);
  double* reflectors = malloc(sizeof(double) * nn);
  double* scratch = malloc(sizeof(double) * (size_t)n * 10);
  if (a == NULL || reflectors == NULL || scratch == NULL) {
    free(a), free(reflectors), free(scratch);
    return -2;
  }
  // Scaled to a largest entry of 1, so that inverse iteration's near-singular solves can neither
  // overflow nor underflow whatever the data's units; an all-zero matrix has eigenvalues 0 and
  // the coordinate axes as eigenvectors.
  double largest = 0;
  int finite = 1;
  for (size_t i = 0; i < nn; i++) {
    finite &= isfinite(matrix[i]) != 0;
    largest = fmax(largest, fabs(matrix[i]));
  }
  if (!finite) {
    free(a), free(reflectors), free(scratch);
    return -1;
  }
  if (largest == 0) {
    memset(vectors, 0, sizeof(double) * (size_t)k * (size_t)n);
    for (int j = 0; j < k; j++) values[j] = 0, vectors[(size_t)j * n + j] = 1;
    free(a), free(reflectors), free(scratch);
    return 0;
  }
  for (size_t i = 0; i < nn; i++) a[i] = matrix[i] / largest;
  double* d = scratch;
  double* e = scratch + n;
  double* tau = scratch + 2 * n;
  double* p = scratch + 3 * n;
  double* e2 = scratch + 4 * n;
  double* work = scratch + 5 * n;  // 5n: solve_shifted's factors

  // 1. Householder: step j zeroes column j below the sub-diagonal of the trailing block.
  for (int j = 0; j < n; j++) {
    d[j] = a[(size_t)j * n + j];
    tau[j] = 0;
    if (j >= n - 1) break;
    const int m = n - j - 1;  // the trailing block's size
    double* v = reflectors + (size_t)j * n + j + 1;
    for (int i = 0; i < m; i++) v[i] = a[(size_t)(j + 1 + i) * n + j];
    const double alpha = v[0];
    const double rest = m > 1 ? norm2(v + 1, m - 1) : 0;
    if (rest == 0) {
      e[j] = alpha;  // already tridiagonal in this column: H = I
      continue;
    }
    const double beta = -copysign(hypot(alpha, rest), alpha);
    tau[j] = (beta - alpha) / beta;
    // divided, not multiplied by a reciprocal: |alpha − beta| ≥ |v[i]|, so no quotient overflows
    // even where the column is down to subnormal numbers
    const double pivot = alpha - beta;
    v[0] = 1;
    for (int i = 1; i < m; i++) v[i] /= pivot;
    e[j] = beta;
    // B ← H B H with H = I − τvvᵀ on the trailing block B = a[j+1.., j+1..]:
    // p = τBv, w = p − (τ/2)(pᵀv)v, B ← B − vwᵀ − wvᵀ
    double* block = a + (size_t)(j + 1) * n + (j + 1);
    for (int i = 0; i < m; i++) p[i] = 0;
    for (int r = 0; r < m; r++) {
      const double vr = tau[j] * v[r];
      const double* row = block + (size_t)r * n;  // row r = column r (B is symmetric)
      for (int i = 0; i < m; i++) p[i] += row[i] * vr;
    }
    double pv = 0;
    for (int i = 0; i < m; i++) pv += p[i] * v[i];
    const double half = 0.5 * tau[j] * pv;
    for (int i = 0; i < m; i++) p[i] -= half * v[i];  // p is now w
    for (int r = 0; r < m; r++) {
      double* row = block + (size_t)r * n;
      const double vr = v[r], wr = p[r];
      for (int i = 0; i < m; i++) row[i] -= vr * p[i] + wr * v[i];
    }
  }
  if (n == 1) e[0] = 0;

  // 2. Bisection for the k largest, within Gershgorin's bounds.
  double low = d[0], high = d[0], norm = 0, largest_e2 = 0;
  for (int i = 0; i < n; i++) {
    const double radius = (i > 0 ? fabs(e[i - 1]) : 0) + (i < n - 1 ? fabs(e[i]) : 0);
    low = fmin(low, d[i] - radius);
    high = fmax(high, d[i] + radius);
    norm = fmax(norm, fabs(d[i]) + radius);
    if (i < n - 1) {
      e2[i] = e[i] * e[i];
      largest_e2 = fmax(largest_e2, e2[i]);
    }
  }
  const double pivmin = DBL_MIN * fmax(1, largest_e2);
  const double slack = 2 * DBL_EPSILON * norm + pivmin;
  low -= slack;
  high += slack;
  for (int j = 0; j < k; j++) {
    const int index = n - 1 - j;  // ascending index of the j-th largest
    double lo = low, hi = j > 0 ? values[j - 1] + slack : high;
    for (int iteration = 0; iteration < 200; iteration++) {
      const double mid = 0.5 * (lo + hi);
      if (hi - lo <= 2 * DBL_EPSILON * fmax(fabs(lo), fabs(hi)) + pivmin || mid == lo || mid == hi) break;
      if (count_below(d, e2, n, mid, pivmin) > index) hi = mid;
      else lo = mid;
    }
    values[j] = 0.5 * (lo + hi);
  }

  // 3. Inverse iteration on T; vectors of a cluster (eigenvalues within 1e-3·‖T‖, as dstein)
  // are kept orthogonal to each other, and equal eigenvalues are pulled apart slightly.
  const double tiny = DBL_EPSILON * fmax(norm, DBL_MIN);
  const double cluster = 1e-3 * norm;
  double* x = p;
  int first_of_cluster = 0;
  for (int j = 0; j < k; j++) {
    double lambda = values[j];
    if (j > 0 && values[j - 1] - lambda > cluster) first_of_cluster = j;
    if (j > first_of_cluster) {
      const double previous = values[j - 1];
      if (previous - lambda < 10 * DBL_EPSILON * fabs(previous)) lambda = previous - 10 * DBL_EPSILON * fmax(fabs(previous), norm);
    }
    // a fixed pseudo-random start (no zero component along any eigenvector in practice)
    uint64_t state = 0x9E3779B97F4A7C15ull * (uint64_t)(j + 1);
    for (int i = 0; i < n; i++) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      x[i] = (double)(state >> 11) * 0x1.0p-53 * 2 - 1;
    }
    double* out = vectors + (size_t)j * n;  // T's eigenvector first, then Q·x in place
    for (int iteration = 0; iteration < 5; iteration++) {
      solve_shifted(d, e, n, lambda, tiny, x, work);
      // orthogonal to the cluster's earlier vectors (still in T's basis: step 4 comes after)
      for (int c = first_of_cluster; c < j; c++) {
        const double* y = vectors + (size_t)c * n;
        double dot = 0;
        for (int i = 0; i < n; i++) dot += x[i] * y[i];
        for (int i = 0; i < n; i++) x[i] -= dot * y[i];
      }
      const double length = norm2(x, n);
      if (length == 0 || !(length < INFINITY)) {
        for (int i = 0; i < n; i++) x[i] = 0;
        x[j % n] = 1;
        continue;
      }
      for (int i = 0; i < n; i++) x[i] /= length;
    }
    memcpy(out, x, sizeof(double) * n);
    // the Rayleigh quotient xᵀTx: exact to rounding for an exact eigenvector (bisection's
    // midpoint is only within a few ulps of ‖T‖)
    double rayleigh = 0;
    for (int i = 0; i < n; i++) rayleigh += d[i] * x[i] * x[i];
    for (int i = 0; i < n - 1; i++) rayleigh += 2 * e[i] * x[i] * x[i + 1];
    values[j] = rayleigh;
  }
  // descending again (a cluster's Rayleigh quotients may swap places by an ulp), in A's units
  for (int j = 1; j < k; j++) {
    for (int i = j; i > 0 && values[i] > values[i - 1]; i--) {
      const double t = values[i];
      values[i] = values[i - 1], values[i - 1] = t;
      for (int r = 0; r < n; r++) {
        double* u = vectors + (size_t)i * n + r;
        double* w = vectors + (size_t)(i - 1) * n + r;
        const double s = *u;
        *u = *w, *w = s;
      }
    }
  }
  for (int j = 0; j < k; j++) values[j] *= largest;

  // 4. Back to A's basis: Q = H₀H₁…H_{n−2}, applied to each vector right to left.
  for (int j = 0; j < k; j++) {
    double* y = vectors + (size_t)j * n;
    for (int r = n - 2; r >= 0; r--) {
      if (tau[r] == 0) continue;
      const double* v = reflectors + (size_t)r * n + r + 1;
      double dot = 0;
      for (int i = 0; i < n - r - 1; i++) dot += v[i] * y[r + 1 + i];
      const double t = tau[r] * dot;
      for (int i = 0; i < n - r - 1; i++) y[r + 1 + i] -= t * v[i];
    }
  }
  free(a), free(reflectors), free(scratch);
  return 0;
}
