// libFuzzer's entry for programs that keep their own main; linked only in
// the fuzzing build (-sanitize=fuzzer), see scripts/fuzz.sh.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
