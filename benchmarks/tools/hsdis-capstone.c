/*
 * A HotSpot disassembler plugin (hsdis) on the Capstone library, so that -XX:+PrintAssembly and
 * -XX:CompileCommand=print show instructions: benchmarks/hot-path.sh builds it (gcc, libcapstone-dev).
 * HotSpot looks the plugin up by the name hsdis-amd64.so and calls decode_instructions_virtual; this one
 * prints each instruction in Intel syntax between the "insn" and "/insn" events HotSpot uses to place its
 * comments.
 */
#include <stdint.h>
#include <stddef.h>
#include <capstone/capstone.h>

typedef void *(*event_callback_t)(void *, const char *, void *);
typedef int (*printf_callback_t)(void *, const char *, ...);

void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_callback_t event, void *event_stream, printf_callback_t print,
                                  void *print_stream, const char *options, int newline) {
    (void) end_va;
    (void) options;
    csh handle;
    cs_insn *insn;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
        return NULL;
    }
    cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
    size_t count = cs_disasm(handle, buffer, length, start_va, 0, &insn);
    uintptr_t end = start_va;
    for (size_t i = 0; i < count; i++) {
        event(event_stream, "insn", (void *) (uintptr_t) insn[i].address);
        print(print_stream, "%s\t%s", insn[i].mnemonic, insn[i].op_str);
        end = insn[i].address + insn[i].size;
        event(event_stream, "/insn", (void *) end);
        if (newline) {
            print(print_stream, "\n");
        }
    }
    if (count > 0) {
        cs_free(insn, count);
    }
    cs_close(&handle);
    return (void *) end;
}
