//! Node binding of kaohe.
