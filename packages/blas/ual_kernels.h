// The fused elementwise kernels of ual_kernels.c, added to the addon's exports.
#ifndef UAL_KERNELS_H
#define UAL_KERNELS_H
#include <node_api.h>

void ual_define_kernels(napi_env env, napi_value exports);

#endif
