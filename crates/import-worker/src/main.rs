//! The import worker's entry point (built by trunk with `data-type="worker"`).

#[cfg(target_arch = "wasm32")]
mod blob_reader;
#[cfg(target_arch = "wasm32")]
mod export;
#[cfg(target_arch = "wasm32")]
mod inspect;
#[cfg(target_arch = "wasm32")]
mod worker;

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the import worker runs in a browser Web Worker (built by trunk)");
}
