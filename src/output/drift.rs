//! `generate --check`: how the files on disk differ from the plan, without
//! writing anything.

use std::path::PathBuf;

use similar::TextDiff;

use super::write::stale_files;
use super::{read_existing, Planned};
use crate::Error;

/// One output that is not as the schema would generate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub path: PathBuf,
    /// What is on disk (`None`: missing).
    pub on_disk: Option<String>,
    /// What would be generated (`None`: stale, would be removed).
    pub generated: Option<String>,
}

impl Drift {
    /// A unified diff from disk to generated, with file names as headers.
    pub fn unified_diff(&self) -> String {
        let name = self.path.display().to_string();
        let old = self.on_disk.as_deref().unwrap_or("");
        let new = self.generated.as_deref().unwrap_or("");
        let old_name = if self.on_disk.is_some() {
            format!("a/{name}")
        } else {
            "/dev/null".to_string()
        };
        let new_name = if self.generated.is_some() {
            format!("b/{name}")
        } else {
            "/dev/null".to_string()
        };
        TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&old_name, &new_name)
            .to_string()
    }

    pub fn describe(&self) -> &'static str {
        match (&self.on_disk, &self.generated) {
            (None, _) => "missing",
            (_, None) => "stale",
            _ => "changed",
        }
    }
}

pub fn drift(planned: &Planned) -> Result<Vec<Drift>, Error> {
    let mut drifts = Vec::new();
    for (path, contents) in &planned.files {
        let on_disk = read_existing(path).map_err(|e| Error::io(path, e))?;
        if on_disk.as_deref() != Some(contents.as_str()) {
            drifts.push(Drift {
                path: path.clone(),
                on_disk,
                generated: Some(contents.clone()),
            });
        }
    }
    if let Some(dir) = &planned.owned_dir {
        for stale in stale_files(dir, planned)? {
            let on_disk = read_existing(&stale).map_err(|e| Error::io(&stale, e))?;
            drifts.push(Drift {
                path: stale,
                on_disk,
                generated: None,
            });
        }
    }
    Ok(drifts)
}
