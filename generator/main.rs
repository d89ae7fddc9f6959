// oscgen is a short-lived process that builds many small trees: mimalloc's thread-local
// free lists make that allocation pattern markedly cheaper than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    oscgen::cli::main()
}
