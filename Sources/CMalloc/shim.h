// glibc's allocator controls (mallopt and its M_* parameters), which Swift's Glibc module leaves out.
#ifndef ONNX_CONVERT_CMALLOC_SHIM_H
#define ONNX_CONVERT_CMALLOC_SHIM_H
#if defined(__linux__)
#include <malloc.h>
#endif
#endif
