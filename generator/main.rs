fn main() -> std::process::ExitCode {
    oscgen::cli::main()
}
