// The fused elementwise kernels of ual_kernels.c. The file is compiled once per instruction set
// (build_addon.mjs), each copy exporting its table under its own name; ual_blas.c exports
// functions that call the table of the kernels in use.
#ifndef UAL_KERNELS_H
#define UAL_KERNELS_H
#include <node_api.h>

typedef struct {
  napi_callback gelu_forward, gelu_backward, layer_norm_forward, layer_norm_backward, row_stats, row_grad;
} ual_kernel_table;

const ual_kernel_table* ual_kernel_table_avx512(void);
const ual_kernel_table* ual_kernel_table_avx2(void);
const ual_kernel_table* ual_kernel_table_base(void);

#endif
