//! Build script: links the Node-API module (napi-build).

fn main() {
    napi_build::setup();
}
