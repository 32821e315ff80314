// HDF5 spells its property-list defaults, access flags and native types as macros that expand to
// function calls or global ids; Swift cannot import those, so each one is exposed as a static inline
// function here.
#ifndef ONNX_CONVERT_CHDF5_SHIM_H
#define ONNX_CONVERT_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
static inline unsigned chdf5_f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }
static inline hid_t chdf5_t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t chdf5_t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t chdf5_t_native_int16(void) { return H5T_NATIVE_INT16; }
static inline hid_t chdf5_t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t chdf5_t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t chdf5_t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t chdf5_t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t chdf5_t_c_s1(void) { return H5T_C_S1; }

#endif
