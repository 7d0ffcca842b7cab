fn main() -> std::process::ExitCode {
    zona_app::cli::main()
}
