//! What the tests of the binary share: the binary without the environment's settings, scratch
//! folders, and output as text.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;

/// The binary, with no `RIGHTSMON_*` setting of the environment it runs in.
pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rightsmon"));
    for (name, _) in std::env::vars() {
        if name.starts_with("RIGHTSMON_") {
            command.env_remove(name);
        }
    }
    command.env("RUST_LOG", "warn");
    command
}

/// A scratch folder, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("rightsmon-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    /// The URL of the folder's database `test.db`.
    pub fn url(&self) -> String {
        self.url_of("test.db")
    }

    /// The URL of a database file of the folder.
    pub fn url_of(&self, name: &str) -> String {
        format!("sqlite://{}", self.0.join(name).display())
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
