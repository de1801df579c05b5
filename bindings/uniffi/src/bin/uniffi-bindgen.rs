//! `uniffi-bindgen`, pinned to exactly the uniffi version the library is built with
//! (a mismatch fails at generation time): generates the Kotlin and Swift sources from
//! the built library, e.g.
//! `cargo run -p kaohe-uniffi --bin uniffi-bindgen -- generate --library target/debug/libkaohe_uniffi.so --language kotlin --out-dir out`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
