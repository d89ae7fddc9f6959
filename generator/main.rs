// oscgen is a short-lived process that builds many small trees: mimalloc's thread-local
// free lists make that allocation pattern markedly cheaper than glibc's malloc, and its
// 2.x line (the crate's `v2`) backs them with huge pages, which take far fewer page
// faults than the 3.x line or glibc on a typical SDK import (scripts/bench-corpus.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    oscgen::alloc_policy::keep_freed_memory();
    oscgen::cli::main()
}
