//! Finds where a JSON pointer's value starts in the input text, so that a
//! finding made after parsing (a sum that does not add up) still names a
//! line and column.

/// Returns the 1-based line and column (in characters) of the value at
/// `pointer` (`/applications/received/0`), or `None` if there is none.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let mut s = Scanner { b: text.as_bytes(), i: 0 };
    s.ws();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        match s.peek()? {
            b'{' => s.enter_member(&segment)?,
            b'[' => s.enter_element(segment.parse().ok()?)?,
            _ => return None,
        }
    }
    Some(line_column(text, s.i))
}

/// 1-based line and column of byte offset `at`.
pub(crate) fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// Reads a string literal and returns it decoded.
    fn string(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        self.eat(b'"')?;
        loop {
            match self.peek()? {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    break;
                }
                _ => self.i += 1,
            }
        }
        serde_json::from_slice(self.b.get(start..self.i)?).ok()
    }

    /// Skips one value of any kind.
    fn skip(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(drop),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.i += 1;
                self.ws();
                if self.peek()? == close {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    if open == b'{' {
                        self.string()?;
                        self.eat(b':')?;
                    }
                    self.skip()?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        c if c == close => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            _ => {
                while !matches!(self.peek()?, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    self.i += 1;
                }
                Some(())
            }
        }
    }

    /// Moves to the value of `key` in the object at the cursor.
    fn enter_member(&mut self, key: &str) -> Option<()> {
        self.eat(b'{')?;
        loop {
            let k = self.string()?;
            self.eat(b':')?;
            self.ws();
            if k == key {
                return Some(());
            }
            self.skip()?;
            self.eat(b',')?;
        }
    }

    /// Moves to element `index` of the array at the cursor.
    fn enter_element(&mut self, index: usize) -> Option<()> {
        self.eat(b'[')?;
        for _ in 0..index {
            self.skip()?;
            self.eat(b',')?;
        }
        self.ws();
        (self.peek()? != b']').then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::locate;

    #[test]
    fn finds_nested_members_and_elements() {
        let text = "{\n  \"a\": {\"b\": [1,\n   2, {\"c\": \"x\"}]},\n  \"d/e\": null\n}";
        assert_eq!(locate(text, ""), Some((1, 1)));
        assert_eq!(locate(text, "/a"), Some((2, 8)));
        assert_eq!(locate(text, "/a/b/1"), Some((3, 4)));
        assert_eq!(locate(text, "/a/b/2/c"), Some((3, 13)));
        assert_eq!(locate(text, "/d~1e"), Some((4, 10)));
        assert_eq!(locate(text, "/a/b/3"), None);
        assert_eq!(locate(text, "/zz"), None);
    }
}
