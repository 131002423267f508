# crt0.S: where a C program starts. The kernel (vmlab's or Linux's) enters _start with sp at the
# Linux initial stack and sets nothing else a program may rely on:
#
#   sp ->  argc
#          argv[0] ... argv[argc-1], NULL
#          envp[0] ... NULL
#          auxv (key, value) pairs ... AT_NULL
#
# _start sets gp (for the linker's gp-relative accesses), tp (picolibc keeps errno in thread-local
# storage: the image's own .tdata/.tbss is the one thread's block), environ, runs the
# constructors, calls main(argc, argv, envp) and passes its result to exit(), which runs the
# destructors (flushing stdout) and ends in _exit.

    .file "crt0.S"              # names the symbol table's FILE entry (else a temporary file's)
    .section .text.init.enter, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax             # gp itself must not be addressed through gp
    la gp, __global_pointer$
    .option pop
    la tp, __tls_base
    lw s0, 0(sp)                # s0 = argc
    addi s1, sp, 4              # s1 = argv
    slli t0, s0, 2
    add s2, s1, t0
    addi s2, s2, 4              # s2 = envp = &argv[argc + 1]
    la t0, environ
    sw s2, 0(t0)
    call __libc_init_array
    mv a0, s0
    mv a1, s1
    mv a2, s2
    call main
    call exit
    .size _start, . - _start
