//! Python binding of kaohe.
