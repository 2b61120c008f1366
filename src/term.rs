//! Text bound for a terminal.
//!
//! Owns: [`printable`], the one escaping of text that came from a file or an argument.
//! Must not: print (the binary does), or decide colours.

use std::borrow::Cow;

/// `text` with every control character but newline and tab, and the bidirectional-override
/// characters, shown as an escape (`\u{1b}`), so that nothing read from a file or an argument
/// can drive the terminal it is printed on (move the cursor, clear the screen, retitle the
/// window, hide text).
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_keeps_text() {
        assert_eq!(printable("plain ü\ttab\nline"), "plain ü\ttab\nline");
        assert_eq!(printable("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("\u{7}\r\u{9b}"), "\\u{7}\\u{d}\\u{9b}");
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
    }
}
