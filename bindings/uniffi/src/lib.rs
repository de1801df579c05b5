//! Kotlin and Swift bindings of kaohe.
