// libFuzzer's driver, linked by -sanitize=fuzzer. SwiftPM gives every executable its own entry point
// (<Module>_main), so the fuzz targets call the driver from main.swift instead of relying on libFuzzer's main.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
// libFuzzer's own mutation, for a structure-aware mutator to fall back on.
size_t LLVMFuzzerMutate(uint8_t *Data, size_t Size, size_t MaxSize);
