// libFuzzer's driver, linked by -sanitize=fuzzer. SwiftPM gives every executable its own entry point
// (<Module>_main), so the fuzz targets call the driver from main.swift instead of relying on libFuzzer's main.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
// libFuzzer's own mutation, for a structure-aware mutator to fall back on.
size_t LLVMFuzzerMutate(uint8_t *Data, size_t Size, size_t MaxSize);

// The sanitizers' hook run when they report an error; a contained child replaces libFuzzer's (which would
// write a crash artifact from the child) with a plain exit.
void __sanitizer_set_death_callback(void (*callback)(void));

// The inline 8-bit coverage counters of every instrumented module, which the linker gathers into one
// section. A target that runs the code under test in a forked child copies the child's counters back into
// the parent's before returning to libFuzzer, so that the child's coverage still guides the fuzzing.
extern uint8_t __start___sancov_cntrs[] __attribute__((weak));
extern uint8_t __stop___sancov_cntrs[] __attribute__((weak));
static inline uint8_t *fuzz_counters_start(void) { return __start___sancov_cntrs; }
static inline uint8_t *fuzz_counters_end(void) { return __stop___sancov_cntrs; }
