// The addon's own symmetric eigen-solver for the k largest eigenpairs (ual_eigen.c), used when no
// LAPACK was loaded.
#ifndef UAL_EIGEN_H
#define UAL_EIGEN_H

// matrix: n × n symmetric, row-major (only read). values: k, descending. vectors: k × n, vector j
// at j·n, unit length. Returns 0, or −1 for bad sizes, −2 when out of memory.
int ual_symmetric_top(const double* matrix, int n, int k, double* values, double* vectors);

#endif
