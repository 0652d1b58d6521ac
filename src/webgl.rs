//! When a chart draws with WebGL (plotly's `scattergl`) rather than SVG.
//!
//! Charts are downsampled per pixel column, so what a chart costs to draw is its *drawn*
//! points (about two per column per line), not its source points: one run of a million
//! steps draws ~2,400 points, which SVG draws and re-draws on zoom faster than a WebGL
//! context starts. WebGL pays off for many lines at once, and only on a GPU: on a software
//! renderer (SwiftShader or llvmpipe: machines without a GPU, remote desktops, headless
//! browsers) a 100-run chart took 8.5 s to re-draw on zoom with WebGL and 0.17 s with SVG
//! (measured in this repository's headless Chromium).

use std::cell::OnceCell;

use wasm_bindgen::{JsCast, JsValue};

use crate::page::{mode, WebGl};

/// Charts drawing at least this many points use WebGL, given a hardware GPU.
pub const FROM_DRAWN_POINTS: usize = 100_000;

thread_local! {
    static HARDWARE: OnceCell<bool> = const { OnceCell::new() };
}

/// Whether a chart drawing `drawn_points` should use WebGL (before the live-context budget).
pub fn wanted(drawn_points: usize) -> bool {
    match mode().webgl {
        WebGl::Force => true,
        WebGl::Off => false,
        WebGl::Auto => drawn_points >= FROM_DRAWN_POINTS && hardware(),
    }
}

/// Whether the browser's WebGL runs on a GPU (asked once: a throwaway context's unmasked
/// renderer name). Unknown (the name hidden) counts as a GPU; no WebGL at all as none.
fn hardware() -> bool {
    HARDWARE.with(|h| *h.get_or_init(|| renderer().is_some_and(|r| !is_software(&r))))
}

fn is_software(renderer: &str) -> bool {
    let r = renderer.to_ascii_lowercase();
    [
        "swiftshader",
        "llvmpipe",
        "software",
        "softpipe",
        "microsoft basic render",
    ]
    .iter()
    .any(|s| r.contains(s))
}

/// The WebGL renderer's name: the unmasked one where the browser tells it, else the
/// masked one; `None` without WebGL.
fn renderer() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let canvas = document.create_element("canvas").ok()?;
    let gl = call(&canvas, "getContext", &["webgl".into()]).filter(|v| v.is_object())?;
    let info =
        call(&gl, "getExtension", &["WEBGL_debug_renderer_info".into()]).filter(|v| v.is_object());
    // UNMASKED_RENDERER_WEBGL, else RENDERER.
    let param = if info.is_some() { 0x9246 } else { 0x1F01 };
    let name = call(&gl, "getParameter", &[param.into()]).and_then(|v| v.as_string());
    // Give the context back now rather than when the canvas is collected.
    if let Some(lose) = call(&gl, "getExtension", &["WEBGL_lose_context".into()]) {
        let _ = call(&lose, "loseContext", &[]);
    }
    name
}

/// `target[method](...args)`, `None` if it is missing or throws.
fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Option<JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(target, &method.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let args: js_sys::Array = args.iter().collect();
    f.apply(target, &args).ok()
}
