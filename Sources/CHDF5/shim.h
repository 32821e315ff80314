// HDF5 spells its property-list defaults, access flags and native types as macros that expand to
// function calls or global ids; Swift cannot import those, so each one is exposed as a static inline
// function here.
#ifndef ONNX_CONVERT_CHDF5_SHIM_H
#define ONNX_CONVERT_CHDF5_SHIM_H
#include <hdf5.h>
#include <hdf5_hl.h>

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
// Big-endian file types: the tests write them to check that libhdf5 converts byte order on read.
static inline hid_t chdf5_t_ieee_f32be(void) { return H5T_IEEE_F32BE; }
static inline hid_t chdf5_t_std_i64be(void) { return H5T_STD_I64BE; }
// The property-list class for dataset creation (chunking, deflate), used by the test fixtures.
static inline hid_t chdf5_p_dataset_create(void) { return H5P_DATASET_CREATE; }
// The property-list class for dataset transfers: the reader bounds variable-length allocations with one.
static inline hid_t chdf5_p_dataset_xfer(void) { return H5P_DATASET_XFER; }
// The default error stack, for turning off automatic printing and for walking the messages.
static inline hid_t chdf5_e_default(void) { return H5E_DEFAULT; }
// The size that marks a string type as variable-length (`(size_t)-1`).
static inline size_t chdf5_t_variable(void) { return H5T_VARIABLE; }

#endif
