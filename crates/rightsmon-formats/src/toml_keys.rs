//! Reading a TOML file key by key, so that every mistake is told in words at its key and line:
//! the options of `rightsmon composite` and the design of `rightsmon survey estimate`.

use toml::{Table, Value};

/// Parses the text as TOML; a syntax error is told with its line.
pub(crate) fn parse(text: &str) -> Result<Table, Vec<String>> {
    toml::from_str(text).map_err(|e| vec![format!("not a TOML file: {}", e.to_string().trim())])
}

/// Where each key is written: (table, key) to its line, counting from 1.
pub(crate) struct Lines(Vec<(String, String, usize)>);

impl Lines {
    pub(crate) fn of(text: &str) -> Self {
        let mut table = String::new();
        let mut keys = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix('[') {
                table = rest.trim_start_matches('[').split(']').next().unwrap_or("").trim().to_owned();
            } else if let Some((key, _)) = line.split_once('=')
                && !line.starts_with('#')
            {
                let key = key.trim().trim_matches('"').trim_matches('\'');
                // A dotted key (outliers.method = ...) belongs to the table before the dot.
                match key.rsplit_once('.') {
                    Some((t, k)) => keys.push((t.trim().to_owned(), k.trim().to_owned(), i + 1)),
                    None => keys.push((table.clone(), key.to_owned(), i + 1)),
                }
            }
        }
        Self(keys)
    }

    fn place(&self, table: &str, key: &str) -> String {
        let path = if table.is_empty() { key.to_owned() } else { format!("{table}.{key}") };
        match self.0.iter().find(|(t, k, _)| t == table && k == key).or_else(|| self.0.iter().find(|(_, k, _)| k == key)) {
            Some((_, _, line)) => format!("line {line}, {path}"),
            None => path,
        }
    }
}

pub(crate) struct Reader<'a> {
    lines: &'a Lines,
    pub(crate) errors: Vec<String>,
}

pub(crate) fn choices(list: &[&str]) -> String {
    list.join(", ")
}

pub(crate) fn kind(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the text \"{s}\""),
        Value::Integer(i) => format!("the number {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Boolean(b) => format!("{b}"),
        Value::Datetime(d) => format!("the date {d}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Table(_) => "a table".to_owned(),
    }
}

impl<'a> Reader<'a> {
    pub(crate) fn new(lines: &'a Lines) -> Self {
        Self { lines, errors: Vec::new() }
    }

    pub(crate) fn fail(&mut self, table: &str, key: &str, message: String) {
        self.errors.push(format!("{}: {message}", self.lines.place(table, key)));
    }

    pub(crate) fn unknown_keys(&mut self, table: &str, found: &Table, known: &[&str]) {
        for key in found.keys() {
            if !known.contains(&key.as_str()) {
                let near = known.iter().find(|k| close(k, key)).map(|k| format!(" (did you mean {k}?)")).unwrap_or_default();
                let what = if table.is_empty() { "options".to_owned() } else { format!("[{table}]") };
                self.fail(table, key, format!("{key} is not one of the {what} keys{near}; they are: {}", choices(known)));
            }
        }
    }

    pub(crate) fn number(&mut self, table: &str, key: &str, value: &Value) -> Option<f64> {
        match value {
            Value::Integer(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            other => {
                self.fail(table, key, format!("give a number, not {}", kind(other)));
                None
            }
        }
    }

    pub(crate) fn count(&mut self, table: &str, key: &str, value: &Value, example: u64) -> Option<u64> {
        match value {
            Value::Integer(i) if *i >= 0 => Some(*i as u64),
            Value::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= 9.0e15 => Some(*f as u64),
            other => {
                self.fail(table, key, format!("give a whole number of at least 0, such as {example}, not {}", kind(other)));
                None
            }
        }
    }

    pub(crate) fn flag(&mut self, table: &str, key: &str, value: &Value) -> Option<bool> {
        match value {
            Value::Boolean(b) => Some(*b),
            other => {
                self.fail(table, key, format!("give true or false, not {}", kind(other)));
                None
            }
        }
    }

    pub(crate) fn choice<'v>(&mut self, table: &str, key: &str, value: &'v Value, list: &[&str]) -> Option<&'v str> {
        match value {
            Value::String(s) if list.contains(&s.as_str()) => Some(s.as_str()),
            other => {
                self.fail(table, key, format!("{} is not one of the choices; give one of {}", kind(other), choices(list)));
                None
            }
        }
    }

    pub(crate) fn list<'v>(&mut self, table: &str, key: &str, value: &'v Value, list: &[&str]) -> Vec<&'v str> {
        let Value::Array(items) = value else {
            self.fail(table, key, format!("give a list such as [\"{}\"], not {}", list[0], kind(value)));
            return Vec::new();
        };
        items.iter().filter_map(|item| self.choice(table, key, item, list)).collect()
    }
}

/// Whether two keys differ by at most two letters: a likely typing mistake.
pub(crate) fn close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == cb { previous } else { 1 + previous.min(row[j]).min(row[j + 1]) };
            previous = current;
        }
    }
    row[b.len()] <= 2
}

impl Reader<'_> {
    pub(crate) fn text(&mut self, table: &str, key: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            other => {
                self.fail(table, key, format!("give a name in quotes, not {}", kind(other)));
                None
            }
        }
    }

    pub(crate) fn texts(&mut self, table: &str, key: &str, value: &Value) -> Vec<String> {
        match value {
            Value::String(_) => self.text(table, key, value).into_iter().collect(),
            Value::Array(items) => items.iter().filter_map(|item| self.text(table, key, item)).collect(),
            other => {
                self.fail(table, key, format!("give a list of names such as [\"sex\", \"district\"], not {}", kind(other)));
                Vec::new()
            }
        }
    }
}
