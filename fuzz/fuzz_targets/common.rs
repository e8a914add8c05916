//! What the targets share: splitting one input into several files, and a panic hook that lets
//! a reader catch a dependency's panic the way it does outside the fuzzer.

#[allow(dead_code)]
/// The parts of an input separated by a line `---`, at most `n` (the last holds the rest).
pub fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    let mut rest = data;
    while parts.len() + 1 < n {
        match rest.windows(5).position(|w| w == b"\n---\n") {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + 5..];
            }
            None => break,
        }
    }
    parts.push(rest);
    while parts.len() < n {
        parts.push(&[]);
    }
    parts
}

/// libFuzzer aborts at any panic, even one the code under test catches on purpose (the
/// workbook reader turns a panic of its XLSX dependency into an error). This hook keeps the
/// fuzzer's abort for every other panic: a panic that escapes the target still aborts, because
/// `fuzz_target!` aborts on it.
#[allow(dead_code)]
pub fn let_caught_panics_be() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}
