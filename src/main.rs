use std::io::IsTerminal;

// The checker and emitters allocate many small strings; mimalloc serves
// them markedly faster than the system allocator (see the benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut io = schemabridge::cli::Io {
        stdout: &mut stdout.lock(),
        stderr: &mut stderr.lock(),
        color,
    };
    ExitCode::from(schemabridge::cli::run(std::env::args_os(), &mut io))
}
