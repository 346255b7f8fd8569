//! The layout engine: Oppen's pretty-printing algorithm exactly as
//! prettyplease 0.2 implements it (`algorithm.rs`, adapted from rustc's
//! `pp.rs`), so that text built here wraps where prettyplease would wrap it.
//!
//! Callers describe text as words, breaks (places where a line may end)
//! and boxes around them: a consistent box (`cbox`) breaks all of its
//! breaks or none, an inconsistent one (`ibox`) only those needed to fit.
//! A box is broken when its contents do not fit in what is left of the
//! line; lines aim for [`MARGIN`] columns and always get [`MIN_SPACE`].
//! Words are measured in bytes, as prettyplease measures them.
//!
//! `tests/emit_rust_fixed_point.rs` holds the output to prettyplease's.
//! Differences from prettyplease's printer, none of them visible in the
//! output:
//! - words are copied into one arena and adjacent words merge into one
//!   token (widths add up, and the algorithm only ever looks at the width
//!   of a run of words);
//! - [`Printer::segment`] prints a run of tokens that starts a line and
//!   fits on it as a single word, skipping the queue for the common case;
//! - the text goes straight into the caller's string, with an optional
//!   prefix on every non-empty line (module bodies, which are laid out as
//!   if at the top of the file and then indented).

use std::collections::VecDeque;

/// Target line width (prettyplease's `MARGIN`).
pub const MARGIN: isize = 89;
/// One level of indentation.
pub const INDENT: isize = 4;
/// Every line gets at least this much room, however deep its indentation.
const MIN_SPACE: isize = 60;
/// The size of something that never fits: a hard break, an unfinished box.
const SIZE_INFINITY: isize = 0xffff;

#[derive(Clone, Copy, PartialEq)]
enum Breaks {
    Consistent,
    Inconsistent,
}

#[derive(Clone, Copy, Default)]
struct BreakToken {
    offset: isize,
    blank_space: usize,
    /// Printed before the line ends when the break is taken (a trailing
    /// comma).
    pre_break: Option<char>,
    /// Removed when it is the last thing in its box.
    if_nonempty: bool,
    never_break: bool,
}

#[derive(Clone, Copy)]
struct BeginToken {
    offset: isize,
    breaks: Breaks,
}

/// A queued token; words are byte ranges of [`Printer::arena`].
#[derive(Clone, Copy)]
enum Token {
    Word { start: usize, end: usize },
    Break(BreakToken),
    Begin(BeginToken),
    End,
}

#[derive(Clone, Copy)]
struct BufEntry {
    token: Token,
    size: isize,
}

#[derive(Clone, Copy)]
enum PrintFrame {
    Fits,
    Broken(usize, Breaks),
}

/// Lays out one item at a time into an output string; reused across items
/// so that its buffers are allocated once.
pub struct Printer {
    out: String,
    /// Written before every non-empty line.
    line_prefix: &'static str,
    at_line_start: bool,
    /// Columns left on the current line.
    space: isize,
    /// The queue of tokens whose layout is not decided yet, and their sizes
    /// (negative while still being measured).
    buf: VecDeque<BufEntry>,
    /// The queue index of `buf[0]`: `scan_stack` holds queue indices.
    buf_offset: usize,
    /// The text of the queued words.
    arena: String,
    /// Total size of the tokens already printed.
    left_total: isize,
    /// Total size of the tokens queued so far, printed or not.
    right_total: isize,
    /// Queue indices of the open boxes and the breaks whose size is still
    /// being measured, innermost last.
    scan_stack: VecDeque<usize>,
    /// The boxes being printed, innermost last.
    print_stack: Vec<PrintFrame>,
    indent: usize,
    /// Indentation not yet written, so that no line has trailing spaces.
    pending_indentation: usize,
    /// The segment being laid out on one line, inside [`Printer::segment`].
    segment: Option<Segment>,
    /// The last segment, kept for its buffer.
    spare: Segment,
    /// The buffer of [`Printer::word_with`].
    scratch: String,
}

impl Printer {
    pub fn new() -> Self {
        Printer {
            out: String::new(),
            line_prefix: "",
            at_line_start: true,
            space: MARGIN,
            buf: VecDeque::new(),
            buf_offset: 0,
            arena: String::new(),
            left_total: 0,
            right_total: 0,
            scan_stack: VecDeque::new(),
            print_stack: Vec::new(),
            indent: 0,
            pending_indentation: 0,
            segment: None,
            spare: Segment::default(),
            scratch: String::new(),
        }
    }

    /// Starts an item at the beginning of a line of `out`, as prettyplease
    /// starts a file: everything is laid out from column 0 and then written
    /// after `line_prefix`.
    pub fn begin_item(&mut self, out: String, line_prefix: &'static str) {
        debug_assert!(self.buf.is_empty() && self.scan_stack.is_empty());
        debug_assert!(out.is_empty() || out.ends_with('\n'));
        self.out = out;
        self.line_prefix = line_prefix;
        self.at_line_start = true;
        self.space = MARGIN;
        self.indent = 0;
        self.pending_indentation = 0;
        self.print_stack.clear();
        self.cbox(0);
    }

    /// Ends the item started by [`Printer::begin_item`] and hands back the
    /// output string.
    pub fn end_item(&mut self) -> String {
        self.end();
        if !self.scan_stack.is_empty() {
            self.check_stack(0);
            self.advance_left();
        }
        debug_assert!(self.buf.is_empty() && self.print_stack.is_empty());
        self.arena.clear();
        std::mem::take(&mut self.out)
    }

    // The vocabulary of prettyplease's `convenience.rs`.

    pub fn word(&mut self, word: &str) {
        if let Some(segment) = &mut self.segment {
            segment.flat.push_str(word);
            segment.last = Last::Word;
        } else {
            self.scan_word(word);
        }
    }

    /// A consistent box: when it does not fit, every break in it is taken.
    pub fn cbox(&mut self, indent: isize) {
        self.begin(BeginToken {
            offset: indent,
            breaks: Breaks::Consistent,
        });
    }

    /// An inconsistent box: when it does not fit, only the breaks needed to
    /// fit are taken.
    pub fn ibox(&mut self, indent: isize) {
        self.begin(BeginToken {
            offset: indent,
            breaks: Breaks::Inconsistent,
        });
    }

    pub fn end(&mut self) {
        if let Some(segment) = &mut self.segment {
            segment.end();
        } else {
            self.scan_end();
        }
    }

    /// Nothing, or a line break.
    pub fn zerobreak(&mut self) {
        self.brk(BreakToken::default());
    }

    /// A space, or a line break.
    pub fn space(&mut self) {
        self.brk(BreakToken {
            blank_space: 1,
            ..BreakToken::default()
        });
    }

    pub fn hardbreak(&mut self) {
        self.brk(BreakToken {
            blank_space: SIZE_INFINITY as usize,
            ..BreakToken::default()
        });
    }

    /// A space or a line break, dropped when nothing follows it in its box
    /// (`Self {}`).
    pub fn space_if_nonempty(&mut self) {
        self.brk(BreakToken {
            blank_space: 1,
            if_nonempty: true,
            ..BreakToken::default()
        });
    }

    /// Ends a box that is broken when it is wider than `max`, even if it
    /// fits on the line (prettyplease's `end_with_max_width`, which keeps
    /// long struct literals off one line).
    pub fn end_with_max_width(&mut self, max: isize) {
        if let Some(segment) = &mut self.segment {
            segment.unsure = true;
            segment.end();
            return;
        }
        let mut depth = 1;
        for &index in self.scan_stack.iter().rev() {
            let entry = &self.buf[index - self.buf_offset];
            match entry.token {
                Token::Begin(_) => {
                    depth -= 1;
                    if depth == 0 {
                        if entry.size < 0 && entry.size + self.right_total > max {
                            // An empty word too wide for any line.
                            let at = self.arena.len();
                            self.buf.push_back(BufEntry {
                                token: Token::Word { start: at, end: at },
                                size: SIZE_INFINITY,
                            });
                            self.right_total += SIZE_INFINITY;
                        }
                        break;
                    }
                }
                Token::End => depth += 1,
                Token::Break(_) => {}
                Token::Word { .. } => unreachable!("words are never measured"),
            }
        }
        self.scan_end();
    }

    /// A hard break, dropped when nothing follows it in its box (`{}`).
    pub fn hardbreak_if_nonempty(&mut self) {
        self.brk(BreakToken {
            blank_space: SIZE_INFINITY as usize,
            if_nonempty: true,
            ..BreakToken::default()
        });
    }

    /// A break that is never taken; it only ends the measuring of the
    /// break before it.
    pub fn neverbreak(&mut self) {
        self.brk(BreakToken {
            never_break: true,
            ..BreakToken::default()
        });
    }

    /// After a list element: `,` and a space, or for the last element a
    /// comma only when the list is broken over lines.
    pub fn trailing_comma(&mut self, is_last: bool) {
        if is_last {
            self.brk(BreakToken {
                pre_break: Some(','),
                ..BreakToken::default()
            });
        } else {
            self.word(",");
            self.space();
        }
    }

    /// As [`Printer::trailing_comma`], with a space after the last element
    /// when the list stays on one line (`Variant { a: f64 }`).
    pub fn trailing_comma_or_space(&mut self, is_last: bool) {
        if is_last {
            self.brk(BreakToken {
                blank_space: 1,
                pre_break: Some(','),
                ..BreakToken::default()
            });
        } else {
            self.word(",");
            self.space();
        }
    }

    /// Moves the indentation of the break (or box) just added.
    pub fn offset(&mut self, offset: isize) {
        if self.segment.is_some() {
            return;
        }
        match &mut self.buf.back_mut().expect("offset follows a token").token {
            Token::Break(token) => token.offset += offset,
            Token::Begin(_) => {}
            Token::Word { .. } | Token::End => unreachable!("offset follows a break or a box"),
        }
    }

    /// A word built by `f` (such as an escaped literal) without a string
    /// of its own.
    pub fn word_with(&mut self, f: impl FnOnce(&mut String)) {
        if let Some(segment) = &mut self.segment {
            f(&mut segment.flat);
            segment.last = Last::Word;
        } else {
            let mut scratch = std::mem::take(&mut self.scratch);
            scratch.clear();
            f(&mut scratch);
            self.scan_word(&scratch);
            self.scratch = scratch;
        }
    }

    /// Prints what `f` prints, which starts a line indented by `indent`
    /// and ends before the next break of the enclosing (broken) box.
    ///
    /// When all of it fits on that line, no box in it can break, so it is
    /// queued as one word; otherwise `f` runs again to queue its tokens as
    /// they are. Either way the output is the same; this only saves work on
    /// the common case of a field or attribute that fits on its line.
    pub fn segment(&mut self, indent: usize, f: impl Fn(&mut Self)) {
        assert!(self.segment.is_none(), "segments do not nest");
        let mut segment = std::mem::take(&mut self.spare);
        segment.flat.clear();
        segment.last = Last::Unknown;
        segment.unsure = false;
        self.segment = Some(segment);
        f(self);
        let segment = self.segment.take().expect("the segment is still open");
        let space = (MARGIN - indent as isize).max(MIN_SPACE);
        if !segment.unsure && segment.flat.len() as isize <= space {
            self.scan_word(&segment.flat);
        } else {
            f(self);
        }
        self.spare = segment;
    }

    fn begin(&mut self, token: BeginToken) {
        if let Some(segment) = &mut self.segment {
            segment.last = Last::Begin;
        } else {
            self.scan_begin(token);
        }
    }

    fn brk(&mut self, token: BreakToken) {
        if let Some(segment) = &mut self.segment {
            segment.brk(token);
        } else {
            self.scan_break(token);
        }
    }

    // prettyplease's `algorithm.rs`, scanning side.

    fn scan_begin(&mut self, token: BeginToken) {
        if self.scan_stack.is_empty() {
            self.left_total = 1;
            self.right_total = 1;
            self.clear_buf();
        }
        let right = self.push(BufEntry {
            token: Token::Begin(token),
            size: -self.right_total,
        });
        self.scan_stack.push_back(right);
    }

    fn scan_end(&mut self) {
        if self.scan_stack.is_empty() {
            self.print_end();
            return;
        }
        if let Some(&BufEntry {
            token: Token::Break(break_token),
            ..
        }) = self.buf.back()
        {
            // An empty box disappears with its only break; so does a
            // trailing `if_nonempty` break.
            if self.buf.len() >= 2 {
                if let Token::Begin(_) = self.buf[self.buf.len() - 2].token {
                    self.buf.pop_back();
                    self.buf.pop_back();
                    self.scan_stack.pop_back();
                    self.scan_stack.pop_back();
                    self.right_total -= break_token.blank_space as isize;
                    return;
                }
            }
            if break_token.if_nonempty {
                self.buf.pop_back();
                self.scan_stack.pop_back();
                self.right_total -= break_token.blank_space as isize;
            }
        }
        let right = self.push(BufEntry {
            token: Token::End,
            size: -1,
        });
        self.scan_stack.push_back(right);
    }

    fn scan_break(&mut self, token: BreakToken) {
        if self.scan_stack.is_empty() {
            self.left_total = 1;
            self.right_total = 1;
            self.clear_buf();
        } else {
            self.check_stack(0);
        }
        let right = self.push(BufEntry {
            token: Token::Break(token),
            size: -self.right_total,
        });
        self.scan_stack.push_back(right);
        self.right_total += token.blank_space as isize;
    }

    fn scan_word(&mut self, word: &str) {
        if self.scan_stack.is_empty() {
            self.print_word(word);
            return;
        }
        let len = word.len() as isize;
        let arena_end = self.arena.len();
        match self.buf.back_mut() {
            Some(BufEntry {
                token: Token::Word { end, .. },
                size,
            }) if *end == arena_end => {
                *end += word.len();
                *size += len;
            }
            _ => {
                self.buf.push_back(BufEntry {
                    token: Token::Word {
                        start: arena_end,
                        end: arena_end + word.len(),
                    },
                    size: len,
                });
            }
        }
        self.arena.push_str(word);
        self.right_total += len;
        self.check_stream();
    }

    fn push(&mut self, entry: BufEntry) -> usize {
        let index = self.buf_offset + self.buf.len();
        self.buf.push_back(entry);
        index
    }

    /// Empties the queue, which holds nothing still to print when nothing
    /// is being measured.
    fn clear_buf(&mut self) {
        self.buf.clear();
        self.arena.clear();
    }

    fn entry(&mut self, index: usize) -> &mut BufEntry {
        &mut self.buf[index - self.buf_offset]
    }

    /// While the queue is wider than the line, its oldest undecided token
    /// cannot fit: mark it so and print what is decided.
    fn check_stream(&mut self) {
        while self.right_total - self.left_total > self.space {
            if *self.scan_stack.front().expect("a token is being measured") == self.buf_offset {
                self.scan_stack.pop_front();
                self.buf[0].size = SIZE_INFINITY;
            }
            self.advance_left();
            if self.buf.is_empty() {
                break;
            }
        }
    }

    fn advance_left(&mut self) {
        while self.buf[0].size >= 0 {
            let left = self.buf.pop_front().expect("the queue is not empty");
            self.buf_offset += 1;
            match left.token {
                Token::Word { start, end } => {
                    self.left_total += left.size;
                    self.print_arena(start, end);
                }
                Token::Break(token) => {
                    self.left_total += token.blank_space as isize;
                    self.print_break(token, left.size);
                }
                Token::Begin(token) => self.print_begin(token, left.size),
                Token::End => self.print_end(),
            }
            if self.buf.is_empty() {
                self.arena.clear();
                break;
            }
        }
    }

    /// Settles the sizes of the boxes and breaks that end here.
    fn check_stack(&mut self, mut depth: usize) {
        while let Some(&index) = self.scan_stack.back() {
            let right_total = self.right_total;
            let entry = self.entry(index);
            match entry.token {
                Token::Begin(_) => {
                    if depth == 0 {
                        break;
                    }
                    entry.size += right_total;
                    self.scan_stack.pop_back();
                    depth -= 1;
                }
                Token::End => {
                    entry.size = 1;
                    self.scan_stack.pop_back();
                    depth += 1;
                }
                Token::Break(_) => {
                    entry.size += right_total;
                    self.scan_stack.pop_back();
                    if depth == 0 {
                        break;
                    }
                }
                Token::Word { .. } => unreachable!("words are never measured"),
            }
        }
    }

    // prettyplease's `algorithm.rs`, printing side.

    fn print_begin(&mut self, token: BeginToken, size: isize) {
        if size > self.space {
            self.print_stack
                .push(PrintFrame::Broken(self.indent, token.breaks));
            self.indent = usize::try_from(self.indent as isize + token.offset)
                .expect("indentation stays positive");
        } else {
            self.print_stack.push(PrintFrame::Fits);
        }
    }

    fn print_end(&mut self) {
        if let PrintFrame::Broken(indent, _) = self.print_stack.pop().expect("a box is open") {
            self.indent = indent;
        }
    }

    fn print_break(&mut self, token: BreakToken, size: isize) {
        let fits = token.never_break
            || match self.print_stack.last() {
                Some(PrintFrame::Fits) => true,
                Some(PrintFrame::Broken(_, Breaks::Consistent)) => false,
                Some(PrintFrame::Broken(_, Breaks::Inconsistent)) | None => size <= self.space,
            };
        if fits {
            self.pending_indentation += token.blank_space;
            self.space -= token.blank_space as isize;
        } else {
            if let Some(pre_break) = token.pre_break {
                self.print_indent();
                self.out.push(pre_break);
            }
            self.out.push('\n');
            self.at_line_start = true;
            let indent = self.indent as isize + token.offset;
            self.pending_indentation = usize::try_from(indent).expect("indentation stays positive");
            self.space = (MARGIN - indent).max(MIN_SPACE);
        }
    }

    fn print_arena(&mut self, start: usize, end: usize) {
        self.print_indent();
        self.out.push_str(&self.arena[start..end]);
        self.space -= (end - start) as isize;
    }

    fn print_word(&mut self, word: &str) {
        self.print_indent();
        self.out.push_str(word);
        self.space -= word.len() as isize;
    }

    fn print_indent(&mut self) {
        if self.at_line_start {
            self.out.push_str(self.line_prefix);
            self.at_line_start = false;
        }
        const SPACES: &str = "                                ";
        while self.pending_indentation > 0 {
            let n = self.pending_indentation.min(SPACES.len());
            self.out.push_str(&SPACES[..n]);
            self.pending_indentation -= n;
        }
    }
}

/// A [`Printer::segment`] laid out on one line, where every break prints
/// its blank space.
#[derive(Default)]
struct Segment {
    flat: String,
    /// What was added last, for [`Segment::end`].
    last: Last,
    /// Holds a hard break, or something this one-line layout does not
    /// follow exactly: the segment must go through the queue.
    unsure: bool,
}

#[derive(Clone, Copy, Default)]
enum Last {
    Word,
    Begin,
    Break {
        token: BreakToken,
        after_begin: bool,
    },
    End,
    /// Not tracked: the start of the segment, or after an empty box was
    /// dropped.
    #[default]
    Unknown,
}

impl Segment {
    fn brk(&mut self, token: BreakToken) {
        if token.blank_space >= SIZE_INFINITY as usize || matches!(self.last, Last::Unknown) {
            self.unsure = true;
        } else {
            self.flat
                .extend(std::iter::repeat_n(' ', token.blank_space));
        }
        let after_begin = matches!(self.last, Last::Begin);
        self.last = Last::Break { token, after_begin };
    }

    /// As [`Printer::scan_end`] drops an empty box with its only break, or
    /// a trailing `if_nonempty` break, so does the one-line text.
    fn end(&mut self) {
        match self.last {
            Last::Break { token, after_begin } if after_begin || token.if_nonempty => {
                if token.blank_space < SIZE_INFINITY as usize {
                    self.flat.truncate(self.flat.len() - token.blank_space);
                }
                self.last = if after_begin {
                    Last::Unknown
                } else {
                    Last::End
                };
            }
            Last::Unknown => self.unsure = true,
            _ => self.last = Last::End,
        }
    }
}
