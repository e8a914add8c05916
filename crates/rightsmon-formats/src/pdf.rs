//! Documents of headings, paragraphs and tables written as A4 PDF by the server itself (ADR 0007).
//!
//! The layout is deliberately plain: text wraps at word boundaries within the margins, a table
//! that runs over a page repeats its header row on the next, and every page carries a footer
//! with its number and the number of pages. Text is set in DejaVu Sans, embedded as a subset of
//! the glyphs used, with a `ToUnicode` map so that the text can be searched, copied and read by
//! assistive technology and by `pdftotext`. Every character of the nine languages is covered;
//! a character the font lacks is drawn as its replacement glyph, never dropped silently.

use crate::FormatError;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A4, in points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.7;
const FOOTER_Y: f32 = 30.0;
const CELL_PADDING: f32 = 3.0;

/// One block of a document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Subheading(String),
    Paragraph(String),
    Table(Table),
}

/// A table: a header row and rows of text, numbers already written as the reader reads them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns whose cells are aligned right (numbers).
    pub numeric: Vec<bool>,
}

/// A document to write: its title, language, blocks, and the footer of each page, in which
/// `{page}` and `{pages}` are replaced by the page's number and the number of pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub language: String,
    pub blocks: Vec<Block>,
    pub footer: String,
}

/// Limits that keep a document's layout bounded, checked before it is laid out.
const MAX_BLOCKS: usize = 100_000;
const MAX_CELLS: usize = 1_000_000;
const MAX_TEXT_BYTES: usize = 50_000_000;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Face {
    Regular,
    Bold,
}

struct FontState<'a> {
    face: ttf_parser::Face<'a>,
    data: &'a [u8],
    remapper: subsetter::GlyphRemapper,
    /// New glyph id → the character it was used for (for the ToUnicode map).
    chars: BTreeMap<u16, char>,
    /// New glyph id → advance width in thousandths of the em.
    widths: BTreeMap<u16, f32>,
    units: f32,
}

impl<'a> FontState<'a> {
    fn new(data: &'a [u8]) -> Result<Self, FormatError> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| FormatError::file(format!("the report font cannot be read: {e}")))?;
        let units = f32::from(face.units_per_em());
        Ok(Self { face, data, remapper: subsetter::GlyphRemapper::new(), chars: BTreeMap::new(), widths: BTreeMap::new(), units })
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).or_else(|| self.face.glyph_index('\u{FFFD}')).map_or(0, |g| g.0)
    }

    /// The width of `text` at `size` points.
    fn measure(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| f32::from(self.face.glyph_hor_advance(ttf_parser::GlyphId(self.glyph(c))).unwrap_or(0))).sum::<f32>() * size
            / self.units
    }

    /// The text as the subset's glyph ids, two bytes each, recording what each glyph is.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let old = self.glyph(c);
            let new = self.remapper.remap(old);
            self.chars.entry(new).or_insert(c);
            let advance = f32::from(self.face.glyph_hor_advance(ttf_parser::GlyphId(old)).unwrap_or(0));
            self.widths.entry(new).or_insert(advance * 1000.0 / self.units);
            bytes.extend_from_slice(&new.to_be_bytes());
        }
        bytes
    }
}

/// What is drawn on a page.
enum Op {
    Text {
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        text: String,
    },
    /// A filled grey rectangle (a table's header).
    Shade {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
    /// A thin line.
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

struct Layout<'f, 'a> {
    regular: &'f FontState<'a>,
    bold: &'f FontState<'a>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_, '_> {
    fn font(&self, face: Face) -> &FontState<'_> {
        match face {
            Face::Regular => self.regular,
            Face::Bold => self.bold,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE_HEIGHT - MARGIN;
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Breaks `text` into lines no wider than `width`: at spaces, and inside a word that is
    /// wider than a line by itself.
    fn wrap(&self, text: &str, face: Face, size: f32, width: f32) -> Vec<String> {
        let font = self.font(face);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
                if font.measure(&candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word wider than the line is cut where it must be.
                for c in word.chars() {
                    let mut longer = line.clone();
                    longer.push(c);
                    if !line.is_empty() && font.measure(&longer, size) > width {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = longer;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    fn text_block(&mut self, text: &str, face: Face, size: f32, space_before: f32) {
        let leading = size * 1.35;
        let lines = self.wrap(text, face, size, PAGE_WIDTH - 2.0 * MARGIN);
        self.y -= space_before;
        for line in lines {
            if self.y - leading < MARGIN {
                self.new_page();
            }
            self.y -= leading;
            self.push(Op::Text { x: MARGIN, y: self.y + size * 0.25, face, size, text: line });
        }
    }

    fn table(&mut self, table: &Table) {
        const SIZE: f32 = 8.0;
        let leading = SIZE * 1.3;
        let columns = table.header.len().max(table.rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        let available = PAGE_WIDTH - 2.0 * MARGIN;
        // Each column as wide as its longest word needs at least, the rest shared by how much
        // text the column holds.
        let cell = |row: &[String], c: usize| row.get(c).map_or("", String::as_str).to_owned();
        let mut weight = vec![1.0f32; columns];
        let mut least = vec![0.0f32; columns];
        for row in std::iter::once(&table.header).chain(&table.rows) {
            for (c, (w, l)) in weight.iter_mut().zip(least.iter_mut()).enumerate() {
                let text = cell(row, c);
                *w = w.max(self.regular.measure(&text, SIZE).min(available));
                let longest = text.split_whitespace().map(|word| self.bold.measure(word, SIZE)).fold(0.0, f32::max);
                *l = l.max((longest + 2.0 * CELL_PADDING).min(available / columns as f32 * 1.5));
            }
        }
        let spare = (available - least.iter().sum::<f32>()).max(0.0);
        let total: f32 = weight.iter().sum();
        let widths: Vec<f32> = least.iter().zip(&weight).map(|(l, w)| l + spare * w / total).collect();
        let scale = available / widths.iter().sum::<f32>();
        let widths: Vec<f32> = widths.iter().map(|w| w * scale).collect();

        let lay_row = |layout: &Self, row: &[String], face: Face| -> Vec<Vec<String>> {
            (0..columns).map(|c| layout.wrap(&cell(row, c), face, SIZE, widths[c] - 2.0 * CELL_PADDING)).collect()
        };
        let height = |lines: &[Vec<String>]| lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * CELL_PADDING;
        let header = lay_row(self, &table.header, Face::Bold);
        let header_height = height(&header);
        let draw = |layout: &mut Self, lines: &[Vec<String>], face: Face, shaded: bool| {
            let row_height = height(lines);
            let top = layout.y;
            if shaded {
                layout.push(Op::Shade { x: MARGIN, y: top - row_height, width: available, height: row_height });
            }
            let mut x = MARGIN;
            for (c, cell_lines) in lines.iter().enumerate() {
                let right = table.numeric.get(c).copied().unwrap_or(false);
                for (i, line) in cell_lines.iter().enumerate() {
                    let y = top - CELL_PADDING - (i as f32 + 1.0) * leading + SIZE * 0.3;
                    let tx = if right { x + widths[c] - CELL_PADDING - layout.font(face).measure(line, SIZE) } else { x + CELL_PADDING };
                    layout.push(Op::Text { x: tx, y, face, size: SIZE, text: line.clone() });
                }
                x += widths[c];
            }
            layout.y = top - row_height;
            layout.push(Op::Rule { x1: MARGIN, y1: layout.y, x2: MARGIN + available, y2: layout.y });
        };
        self.y -= 6.0;
        if self.y - header_height - leading * 2.0 < MARGIN {
            self.new_page();
        }
        draw(self, &header, Face::Bold, true);
        for row in &table.rows {
            let lines = lay_row(self, row, Face::Regular);
            if self.y - height(&lines) < MARGIN {
                // The header comes again at the top of the next page.
                self.new_page();
                draw(self, &header, Face::Bold, true);
            }
            draw(self, &lines, Face::Regular, false);
        }
        self.y -= 4.0;
    }
}

fn compress(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// Writes the document as a PDF.
pub fn write_pdf(document: &Document) -> Result<Vec<u8>, FormatError> {
    let cells: usize =
        document.blocks.iter().map(|b| if let Block::Table(t) = b { (t.rows.len() + 1) * t.header.len().max(1) } else { 1 }).sum();
    let bytes: usize = document
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading(t) | Block::Subheading(t) | Block::Paragraph(t) => t.len(),
            Block::Table(t) => t.header.iter().chain(t.rows.iter().flatten()).map(String::len).sum(),
        })
        .sum();
    if document.blocks.len() > MAX_BLOCKS || cells > MAX_CELLS || bytes > MAX_TEXT_BYTES {
        return Err(FormatError::file("the document is too large to write as PDF"));
    }
    let mut regular = FontState::new(REGULAR)?;
    let mut bold = FontState::new(BOLD)?;
    let pages = {
        let mut layout = Layout { regular: &regular, bold: &bold, pages: Vec::new(), y: 0.0 };
        layout.new_page();
        layout.text_block(&document.title, Face::Bold, 17.0, 0.0);
        for block in &document.blocks {
            match block {
                Block::Heading(text) => layout.text_block(text, Face::Bold, 13.0, 12.0),
                Block::Subheading(text) => layout.text_block(text, Face::Bold, 10.5, 8.0),
                Block::Paragraph(text) => layout.text_block(text, Face::Regular, 9.5, 4.0),
                Block::Table(table) => layout.table(table),
            }
        }
        layout.pages
    };

    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut id = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = id();
    let tree = id();
    let info = id();
    let fonts = [(Face::Regular, id(), id(), id(), id(), id()), (Face::Bold, id(), id(), id(), id(), id())];
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (id(), id())).collect();
    pdf.catalog(catalog).pages(tree).lang(TextStr(&document.language));
    pdf.document_info(info).title(TextStr(&document.title)).producer(TextStr("Rights Monitor"));
    pdf.pages(tree).kids(page_ids.iter().map(|(page, _)| *page)).count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    let count = pages.len();
    for (number, (ops, (page_id, content_id))) in pages.iter().zip(&page_ids).enumerate() {
        let mut content = Content::new();
        for op in ops {
            match op {
                Op::Shade { x, y, width, height } => {
                    content.save_state().set_fill_gray(0.9).rect(*x, *y, *width, *height).fill_nonzero().restore_state();
                }
                Op::Rule { x1, y1, x2, y2 } => {
                    content
                        .save_state()
                        .set_stroke_gray(0.7)
                        .set_line_width(0.4)
                        .move_to(*x1, *y1)
                        .line_to(*x2, *y2)
                        .stroke()
                        .restore_state();
                }
                Op::Text { x, y, face, size, text } => {
                    let (name, font) = match face {
                        Face::Regular => (Name(b"F1"), &mut regular),
                        Face::Bold => (Name(b"F2"), &mut bold),
                    };
                    let encoded = font.encode(text);
                    content.begin_text().set_font(name, *size).set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]).show(Str(&encoded)).end_text();
                }
            }
        }
        let footer = document.footer.replace("{page}", &(number + 1).to_string()).replace("{pages}", &count.to_string());
        let width = regular.measure(&footer, 8.0);
        let encoded = regular.encode(&footer);
        content
            .begin_text()
            .set_font(Name(b"F1"), 8.0)
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, (PAGE_WIDTH - width) / 2.0, FOOTER_Y])
            .show(Str(&encoded))
            .end_text();
        let stream = compress(&content.finish());
        pdf.stream(*content_id, &stream).filter(Filter::FlateDecode);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).parent(tree).contents(*content_id);
        let mut resources = page.resources();
        let mut font_resources = resources.fonts();
        font_resources.pair(Name(b"F1"), fonts[0].1);
        font_resources.pair(Name(b"F2"), fonts[1].1);
        font_resources.finish();
        resources.finish();
        page.finish();
    }

    for (face, type0, cid, descriptor, file, to_unicode) in fonts {
        let font = match face {
            Face::Regular => &regular,
            Face::Bold => &bold,
        };
        let base = match face {
            Face::Regular => "RMAAAA+DejaVuSans",
            Face::Bold => "RMAAAB+DejaVuSans-Bold",
        };
        let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
        pdf.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(to_unicode);
        let count = font.remapper.num_gids();
        let widths: Vec<f32> = (0..count).map(|g| font.widths.get(&g).copied().unwrap_or(0.0)).collect();
        {
            let mut cid_font = pdf.cid_font(cid);
            cid_font
                .subtype(CidFontType::Type2)
                .base_font(Name(base.as_bytes()))
                .system_info(system)
                .font_descriptor(descriptor)
                .default_width(0.0)
                .cid_to_gid_map_predefined(Name(b"Identity"));
            cid_font.widths().consecutive(0, widths);
        }
        let scale = 1000.0 / font.units;
        let bbox = font.face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(Name(base.as_bytes()))
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(font.face.ascender()) * scale)
            .descent(f32::from(font.face.descender()) * scale)
            .cap_height(f32::from(font.face.capital_height().unwrap_or(font.face.ascender())) * scale)
            .stem_v(if face == Face::Bold { 140.0 } else { 80.0 })
            .font_file2(file);
        let subset = subsetter::subset(font.data, 0, &font.remapper)
            .map_err(|e| FormatError::file(format!("the report font cannot be subset: {e:?}")))?;
        pdf.stream(file, &compress(&subset)).filter(Filter::FlateDecode);
        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
        for (glyph, c) in &font.chars {
            cmap.pair(*glyph, *c);
        }
        pdf.cmap(to_unicode, &cmap.finish());
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(rows: usize) -> Document {
        Document {
            title: "Monitoring report: Ghent, Annual report 2025".into(),
            language: "en".into(),
            blocks: vec![
                Block::Heading("Summary by theme".into()),
                Block::Paragraph("Łódź, Győr, Timișoara and Gent: every language's letters are kept.".into()),
                Block::Table(Table {
                    header: vec!["Indicator".into(), "Year".into(), "Value".into()],
                    rows: (0..rows)
                        .map(|i| vec![format!("RM-HOU-{i:02} households overburdened by housing costs"), "2025".into(), format!("{i}.5")])
                        .collect(),
                    numeric: vec![false, true, true],
                }),
            ],
            footer: "Page {page} of {pages}".into(),
        }
    }

    #[test]
    fn a_document_is_a_pdf_with_its_pages_numbered() {
        let bytes = write_pdf(&document(200)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        let pages = text.matches("/Type /Page\n").count() + text.matches("/Type /Page ").count() + text.matches("/Type /Page/").count();
        assert!(text.contains("/Count 4") || text.contains("/Count 5") || pages > 1, "200 rows run over several pages");
        assert!(bytes.len() < 200_000, "only the glyphs used are embedded: {} bytes", bytes.len());
    }

    #[test]
    fn a_document_too_large_is_refused_before_it_is_laid_out() {
        let mut huge = document(0);
        huge.blocks = vec![Block::Paragraph(String::new()); MAX_BLOCKS + 1];
        assert!(write_pdf(&huge).is_err());
    }
}
