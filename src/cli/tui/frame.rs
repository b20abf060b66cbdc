//! The little that `racelab step`'s full screen needs from a terminal UI library:
//! a frame of styled cells, bordered panes with a title, paragraphs that wrap at
//! word boundaries or are cut at the edge and scroll, and the frame drawn with
//! crossterm (only the rows that changed since the last one). A unit test reads a
//! drawn frame as text with [`Frame::text`].

use crossterm::style::{Attribute, Color, Print, SetAttribute, SetForegroundColor};
use crossterm::{cursor, queue, terminal};
use std::io::{self, Write};
use unicode_width::UnicodeWidthChar;

/// A colour and boldness; the default is the terminal's own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Style {
    pub fg: Option<Color>,
    pub bold: bool,
}

impl Style {
    pub const PLAIN: Style = Style { fg: None, bold: false };

    pub const fn fg(color: Color) -> Style {
        Style { fg: Some(color), bold: false }
    }

    pub const fn bold(self) -> Style {
        Style { bold: true, ..self }
    }
}

/// A line of text made of pieces in their own styles.
#[derive(Clone, Debug, Default)]
pub(super) struct Line(pub Vec<(String, Style)>);

impl Line {
    pub fn styled(text: impl Into<String>, style: Style) -> Line {
        Line(vec![(text.into(), style)])
    }

    pub fn raw(text: impl Into<String>) -> Line {
        Line::styled(text, Style::PLAIN)
    }
}

/// A rectangle of cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rect {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Rect {
    /// The top `height` rows and the rest.
    pub fn split_top(self, height: u16) -> (Rect, Rect) {
        let height = height.min(self.height);
        (Rect { height, ..self }, Rect { y: self.y + height, height: self.height - height, ..self })
    }

    /// The left `width` columns and the rest.
    pub fn split_left(self, width: u16) -> (Rect, Rect) {
        let width = width.min(self.width);
        (Rect { width, ..self }, Rect { x: self.x + width, width: self.width - width, ..self })
    }

    /// Inside a one-cell border.
    fn inner(self) -> Rect {
        Rect {
            x: self.x + 1,
            y: self.y + 1,
            width: self.width.saturating_sub(2),
            height: self.height.saturating_sub(2),
        }
    }
}

/// How a paragraph treats a line longer than its pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Wrap {
    /// Cut at the edge.
    Cut,
    /// Broken between words; `trim` drops the spaces that begin a row.
    Words { trim: bool },
}

/// One screen: `width` × `height` cells, each a character (or "" behind a wide one) and its style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Frame {
    width: u16,
    height: u16,
    cells: Vec<(String, Style)>,
}

impl Frame {
    pub fn new(width: u16, height: u16) -> Frame {
        Frame { width, height, cells: vec![(" ".to_string(), Style::PLAIN); usize::from(width) * usize::from(height)] }
    }

    pub fn area(&self) -> Rect {
        Rect { x: 0, y: 0, width: self.width, height: self.height }
    }

    /// Writes `text` from (x, y), not past column `end`; returns the column after it.
    fn put(&mut self, mut x: u16, y: u16, end: u16, text: &str, style: Style) -> u16 {
        let end = end.min(self.width);
        if y >= self.height {
            return x;
        }
        for c in text.chars() {
            let w = c.width().unwrap_or(0) as u16;
            if w == 0 {
                continue;
            }
            if x + w > end {
                break;
            }
            let at = usize::from(y) * usize::from(self.width) + usize::from(x);
            self.cells[at] = (c.to_string(), style);
            for hidden in 1..usize::from(w) {
                self.cells[at + hidden] = (String::new(), style);
            }
            x += w;
        }
        x
    }

    /// A bordered pane with `title` in its top border; returns the inside.
    pub fn block(&mut self, area: Rect, title: &str) -> Rect {
        if area.width < 2 || area.height < 2 {
            return area.inner();
        }
        let (right, bottom) = (area.x + area.width - 1, area.y + area.height - 1);
        let end = area.x + area.width;
        let horizontal = "─".repeat(usize::from(area.width - 2));
        for (y, left, corner) in [(area.y, "┌", "┐"), (bottom, "└", "┘")] {
            self.put(area.x, y, end, left, Style::PLAIN);
            self.put(area.x + 1, y, right, &horizontal, Style::PLAIN);
            self.put(right, y, end, corner, Style::PLAIN);
        }
        for y in area.y + 1..bottom {
            self.put(area.x, y, end, "│", Style::PLAIN);
            self.put(right, y, end, "│", Style::PLAIN);
        }
        self.put(area.x + 1, area.y, right, title, Style::PLAIN);
        area.inner()
    }

    /// `lines` in `area`, wrapped or cut, the first `scroll` rows skipped.
    pub fn paragraph(&mut self, area: Rect, lines: &[Line], wrap: Wrap, scroll: usize) {
        let rows: Vec<Vec<(char, Style)>> = lines.iter().flat_map(|line| rows(line, area.width, wrap)).collect();
        for (row, y) in rows.iter().skip(scroll).zip(area.y..area.y + area.height) {
            let mut x = area.x;
            for &(c, style) in row {
                x = self.put(x, y, area.x + area.width, c.encode_utf8(&mut [0; 4]), style);
            }
        }
    }

    /// The frame as text, a line per row (what a test reads).
    pub fn text(&self) -> String {
        let mut text = String::new();
        for row in self.cells.chunks(usize::from(self.width.max(1))) {
            row.iter().for_each(|(symbol, _)| text.push_str(symbol));
            text.push('\n');
        }
        text
    }

    /// Draws the rows that differ from `before` (all of them when there is none or its size differs).
    pub fn draw(&self, out: &mut impl Write, before: Option<&Frame>) -> io::Result<()> {
        let before = before.filter(|b| (b.width, b.height) == (self.width, self.height));
        if before.is_none() {
            queue!(out, terminal::Clear(terminal::ClearType::All))?;
        }
        let width = usize::from(self.width.max(1));
        for (y, row) in self.cells.chunks(width).enumerate() {
            if before.is_some_and(|b| b.cells[y * width..(y + 1) * width] == *row) {
                continue;
            }
            queue!(out, cursor::MoveTo(0, y as u16))?;
            let mut current = None;
            for (symbol, style) in row {
                if current != Some(*style) {
                    queue!(out, SetAttribute(Attribute::Reset))?;
                    if let Some(color) = style.fg {
                        queue!(out, SetForegroundColor(color))?;
                    }
                    if style.bold {
                        queue!(out, SetAttribute(Attribute::Bold))?;
                    }
                    current = Some(*style);
                }
                queue!(out, Print(symbol))?;
            }
            queue!(out, SetAttribute(Attribute::Reset))?;
        }
        out.flush()
    }
}

/// The rows that `line` takes in a pane `width` columns wide.
fn rows(line: &Line, width: u16, wrap: Wrap) -> Vec<Vec<(char, Style)>> {
    let chars: Vec<(char, Style)> = line.0.iter().flat_map(|(text, style)| text.chars().map(|c| (c, *style))).collect();
    let trim = match wrap {
        Wrap::Cut => return vec![chars],
        Wrap::Words { trim } => trim,
    };
    let width = usize::from(width.max(1));
    let columns = |run: &[(char, Style)]| run.iter().map(|(c, _)| c.width().unwrap_or(0)).sum::<usize>();
    let mut rows: Vec<Vec<(char, Style)>> = vec![Vec::new()];
    // Adds `run` to the last row; where the edge falls, the row breaks, even inside a word.
    let push = |rows: &mut Vec<Vec<(char, Style)>>, run: &[(char, Style)]| {
        for &(c, style) in run {
            let row = rows.last_mut().expect("a row");
            if !row.is_empty() && columns(row) + c.width().unwrap_or(0) > width {
                rows.push(Vec::new());
            }
            rows.last_mut().expect("a row").push((c, style));
        }
    };
    let mut spaces: &[(char, Style)] = &[];
    let mut start = 0;
    while start < chars.len() {
        // The next run: spaces, or a word.
        let space = chars[start].0.is_whitespace();
        let end =
            chars[start..].iter().position(|(c, _)| c.is_whitespace() != space).map_or(chars.len(), |n| start + n);
        let run = &chars[start..end];
        start = end;
        if space {
            spaces = run;
            continue;
        }
        let used = columns(rows.last().expect("a row"));
        if used > 0 && used + columns(spaces) + columns(run) > width {
            // The word goes to a new row; the spaces before it vanish at the break.
            rows.push(Vec::new());
        } else if used > 0 || (rows.len() == 1 && !trim) {
            push(&mut rows, spaces);
        }
        spaces = &[];
        push(&mut rows, run);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(lines: &[Line], width: u16, height: u16, wrap: Wrap, scroll: usize) -> String {
        let mut frame = Frame::new(width, height);
        let area = frame.area();
        frame.paragraph(area, lines, wrap, scroll);
        frame.text()
    }

    #[test]
    fn words_wrap_at_the_edge_and_a_long_word_is_broken() {
        let line = [Line::raw("held by T1 since step 1, abcdefghijkl")];
        assert_eq!(
            shown(&line, 10, 5, Wrap::Words { trim: true }, 0),
            "held by T1\nsince step\n1,        \nabcdefghij\nkl        \n"
        );
        let indented = [Line::raw("    let b = x;")];
        assert_eq!(shown(&indented, 10, 2, Wrap::Words { trim: false }, 0), "    let b \n= x;      \n");
        assert_eq!(shown(&indented, 10, 2, Wrap::Words { trim: true }, 0), "let b = x;\n          \n");
    }

    #[test]
    fn cut_lines_scroll_and_wide_characters_take_two_cells() {
        let lines = [Line::raw("one ·"), Line::raw("two — 2"), Line::raw("三x")];
        assert_eq!(shown(&lines, 5, 2, Wrap::Cut, 1), "two —\n三x  \n");
    }

    #[test]
    fn a_block_has_a_border_with_its_title_and_gives_its_inside() {
        let mut frame = Frame::new(8, 3);
        let inside = frame.block(frame.area(), " ab ");
        assert_eq!(inside, Rect { x: 1, y: 1, width: 6, height: 1 });
        frame.paragraph(inside, &[Line::styled("hello world", Style::fg(Color::Red).bold())], Wrap::Cut, 0);
        assert_eq!(frame.text(), "┌ ab ──┐\n│hello │\n└──────┘\n");
    }

    #[test]
    fn drawing_again_writes_only_the_rows_that_changed() {
        let mut one = Frame::new(4, 2);
        let area = one.area();
        one.paragraph(area, &[Line::raw("ab"), Line::raw("cd")], Wrap::Cut, 0);
        let mut two = Frame::new(4, 2);
        two.paragraph(area, &[Line::raw("ab"), Line::raw("ce")], Wrap::Cut, 0);
        let (mut full, mut diff) = (Vec::new(), Vec::new());
        two.draw(&mut full, None).expect("drawn");
        two.draw(&mut diff, Some(&one)).expect("drawn");
        let (full, diff) = (String::from_utf8_lossy(&full), String::from_utf8_lossy(&diff));
        assert!(full.contains("ab") && full.contains("ce"), "{full:?}");
        assert!(!diff.contains("ab") && diff.contains("ce"), "{diff:?}");
    }
}
