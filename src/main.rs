fn main() -> std::process::ExitCode {
    keywork::cli::main()
}
