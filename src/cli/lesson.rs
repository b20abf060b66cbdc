//! `racelab show N`: the lesson rendered for a terminal — bold headings,
//! aligned tables, code set apart, prose wrapped at the terminal's width — and
//! the plain Markdown when piped, so `cargo run -- show 1 | less` and copying
//! into notes still work.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const BOLD: &str = "\x1b[1m";
const UNDERLINE: &str = "\x1b[4m";
const DIM: &str = "\x1b[2m";
const CODE: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// The lesson for a terminal (`styled`) or as it is written (piped). With a
/// `width`, prose (paragraphs, list items, headings) wraps at word boundaries
/// to fit it, a list item's lines hanging under its text; code and tables keep
/// their lines (a pager scrolls them sideways).
pub(super) fn render(markdown: &str, styled: bool, width: Option<usize>) -> String {
    if !styled {
        return markdown.to_string();
    }
    // Where the prose block being written began in `out`: it is wrapped when it ends,
    // or when a block nested in it (a list in an item) begins.
    let mut block: Option<usize> = None;
    let flush = |out: &mut String, block: &mut Option<usize>| {
        if let (Some(start), Some(width)) = (block.take(), width) {
            let text = out.split_off(start);
            out.push_str(&wrapped(&text, width));
        }
    };
    let mut out = String::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut cell = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut link: Option<String> = None;
    let mut in_code_block = false;
    let text_to = |out: &mut String, table: &mut Option<Vec<Vec<String>>>, cell: &mut String, s: &str| {
        if table.is_some() { cell.push_str(s) } else { out.push_str(s) }
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match &event {
            Event::Start(Tag::Heading { .. } | Tag::Paragraph | Tag::Item) if table.is_none() => {
                flush(&mut out, &mut block);
                block = Some(out.len());
            }
            Event::Start(Tag::CodeBlock(_) | Tag::Table(_) | Tag::List(_)) => flush(&mut out, &mut block),
            _ => {}
        }
        let ends_block = matches!(event, Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item));
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let line = if matches!(level, HeadingLevel::H1 | HeadingLevel::H2) { UNDERLINE } else { "" };
                out.push_str(&format!("\n{BOLD}{line}"));
            }
            Event::End(TagEnd::Heading(_)) => out.push_str(&format!("{RESET}\n\n")),
            Event::End(TagEnd::Paragraph) => out.push_str("\n\n"),
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) if !lang.is_empty() => format!("{DIM}    ({lang}){RESET}\n"),
                    _ => String::new(),
                };
                out.push_str(&lang);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                out.push('\n');
            }
            Event::Text(text) if in_code_block => {
                for line in text.lines() {
                    out.push_str(&format!("    {CODE}{line}{RESET}\n"));
                }
            }
            Event::Text(text) => text_to(&mut out, &mut table, &mut cell, &text),
            Event::Code(code) => text_to(&mut out, &mut table, &mut cell, &format!("{CODE}{code}{RESET}")),
            Event::Start(Tag::Strong) => text_to(&mut out, &mut table, &mut cell, BOLD),
            Event::Start(Tag::Emphasis) => text_to(&mut out, &mut table, &mut cell, "\x1b[3m"),
            Event::End(TagEnd::Strong | TagEnd::Emphasis) => text_to(&mut out, &mut table, &mut cell, RESET),
            Event::SoftBreak => text_to(&mut out, &mut table, &mut cell, " "),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                let indent = "  ".repeat(lists.len());
                let mark = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => "•".to_string(),
                };
                out.push_str(&format!("{indent}{mark} "));
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take() {
                    text_to(&mut out, &mut table, &mut cell, &format!(" {DIM}({url}){RESET}"));
                }
            }
            Event::Start(Tag::Table(_)) => table = Some(Vec::new()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                if let Some(rows) = table.as_mut() {
                    rows.push(Vec::new());
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some(row) = table.as_mut().and_then(|rows| rows.last_mut()) {
                    row.push(std::mem::take(&mut cell));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(rows) = table.take() {
                    out.push_str(&aligned(&rows));
                    out.push('\n');
                }
            }
            _ => {}
        }
        if ends_block {
            flush(&mut out, &mut block);
        }
    }
    flush(&mut out, &mut block);
    out
}

/// `text`'s lines wrapped at word boundaries to `width` columns: a line that
/// starts with spaces and a list mark (`• `, `3. `) continues under its text.
fn wrapped(text: &str, width: usize) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        let mark = rest.split(' ').next().filter(|m| is_list_mark(m));
        let hanging = indent + mark.map_or(0, |m| self::width(m) + 1);
        let mut column = 0;
        for (j, word) in line.split(' ').enumerate() {
            let w = self::width(word);
            if j > 0 {
                if column > hanging && column + 1 + w > width {
                    out.push('\n');
                    out.push_str(&" ".repeat(hanging));
                    column = hanging;
                } else {
                    out.push(' ');
                    column += 1;
                }
            }
            out.push_str(word);
            column += w;
        }
    }
    out
}

/// `•` or a number and a dot (`12.`): how [`render`] begins a list item.
fn is_list_mark(word: &str) -> bool {
    word == "•" || word.strip_suffix('.').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Columns a cell shows (without its colour codes).
pub(super) fn width(cell: &str) -> usize {
    let mut shown = 0;
    let mut escape = false;
    for c in cell.chars() {
        match (escape, c) {
            (false, '\x1b') => escape = true,
            (true, 'm') => escape = false,
            (true, _) => {}
            (false, c) => shown += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0),
        }
    }
    shown
}

/// The rows as an aligned table, the header bold.
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..columns).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| width(s)).max().unwrap_or(0)).collect();
    let mut text = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..columns)
            .map(|c| {
                let cell = row.get(c).map_or("", String::as_str);
                format!("{cell}{}", " ".repeat(widths[c].saturating_sub(width(cell))))
            })
            .collect();
        let line = cells.join(" │ ");
        if i == 0 {
            text.push_str(&format!("  {BOLD}{line}{RESET}\n"));
            let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            text.push_str(&format!("  {}\n", rule.join("─┼─")));
        } else {
            text.push_str(&format!("  {line}\n"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn piped_output_is_the_markdown_itself() {
        assert_eq!(
            render("# Lab\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", false, Some(20)),
            "# Lab\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        );
    }

    #[test]
    fn a_terminal_gets_headings_tables_and_code_rendered() {
        let text = render(
            "# Lab 01\n\nSome `code`.\n\n| variant | idea |\n|---|---|\n| racy | load, store |\n\n```rust\nlet x = 1;\n```\n",
            true,
            None,
        );
        assert!(!text.contains("# Lab") && !text.contains("|---|"), "{text}");
        assert!(text.contains("Lab 01") && text.contains("racy    │ load, store"), "{text}");
        assert!(text.contains("    \x1b[36mlet x = 1;"), "{text}");
    }

    #[test]
    fn prose_wraps_at_word_boundaries_and_list_items_hang_under_their_text() {
        let text = render(
            "A paragraph of several words that cannot fit.\n\n- an item whose words run past the edge\n\n| a long header | b |\n|---|---|\n| 1 | 2 |\n",
            true,
            Some(20),
        );
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.contains(&"A paragraph of") && lines.contains(&"several words that"), "{text}");
        assert!(lines.contains(&"  • an item whose") && lines.contains(&"    words run past"), "{text}");
        // Tables keep their rows whole: the pager scrolls them sideways.
        assert!(text.contains("a long header │ b"), "{text}");
        let prose = lines.iter().filter(|l| !l.contains('│') && !l.contains('─'));
        assert!(prose.clone().all(|l| super::width(l) <= 20), "{text}");
    }
}
