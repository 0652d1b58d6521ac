#[cfg(target_arch = "wasm32")]
fn main() {
    runlens::start_app();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("runlens runs in the browser: build it with `trunk build` (see README.md)");
}
