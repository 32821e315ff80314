// OpenBLAS's CBLAS interface (Debian: libopenblas-dev; the include path comes from pkg-config `openblas`).
#ifndef ONNX_CONVERT_CBLAS_SHIM_H
#define ONNX_CONVERT_CBLAS_SHIM_H
#include <cblas.h>
#endif
