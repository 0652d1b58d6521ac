//! The import worker's entry point (built by trunk with `data-type="worker"`).

#[cfg(target_arch = "wasm32")]
fn main() {
    runlens::start_worker();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
