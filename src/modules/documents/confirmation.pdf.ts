import type PDFKitDocument from 'pdfkit';
import { lavkaFontBytes, printableText } from './font.ts';

/** Everything printed on an appointment confirmation, already in the reader's language. */
export interface ConfirmationContent {
  /** Document title, e.g. `Подтверждение записи №12`. */
  title: string;
  business: string;
  /** Label → value rows. */
  rows: readonly { label: string; value: string }[];
  /** Small print under the table. */
  notes: readonly string[];
  /** `Issued 11.03.2026 10:15`. */
  issued: string;
  createdAt: Date;
}

/** A4 in PDF points (1/72 inch). */
const A4 = { widthPt: 595.28, heightPt: 841.89 } as const;
const MARGIN_PT = 56;
const LABEL_WIDTH_PT = 150;

/**
 * Lays out a one-page appointment confirmation: header, a label/value table, notes, footer.
 * The shipped font is embedded as a subset of the glyphs the page uses, with a ToUnicode map
 * so the text can be copied and searched; the same content and `createdAt` give the same bytes.
 */
export async function renderConfirmationPdf(content: ConfirmationContent): Promise<Uint8Array> {
  // pdfkit (with fontkit) is the heaviest dependency to load: only a bot that writes a PDF pays for it.
  const { default: PDFDocument } = (await import('pdfkit')) as { default: typeof PDFKitDocument };
  const doc = new PDFDocument({
    size: [A4.widthPt, A4.heightPt],
    // Lavka places every line itself; pdfkit's margins would only push text onto a new page.
    margin: 0,
    pdfVersion: '1.4',
    info: { Title: content.title, Producer: 'Lavka', Creator: 'Lavka', CreationDate: content.createdAt },
  });
  const bytes = collect(doc);
  doc.registerFont('lavka', lavkaFontBytes());
  doc.font('lavka');

  /** Writes `text` wrapped to `widthPt` with its first baseline `top` points below the page's top edge; returns the number of lines. */
  const write = (text: string, x: number, top: number, style: { sizePt: number; leadingPt: number; grey: number; widthPt: number }) => {
    const shade = Math.round(style.grey * 255);
    doc.fontSize(style.sizePt).fillColor([shade, shade, shade]);
    const options = { width: style.widthPt, lineGap: style.leadingPt - doc.currentLineHeight(true), baseline: 'alphabetic' as const };
    const printable = printableText(text);
    doc.text(printable, x, top, options);
    return Math.max(1, Math.round(doc.heightOfString(printable, options) / style.leadingPt));
  };
  const rule = (top: number, widthPt: number) => {
    doc.moveTo(MARGIN_PT, top).lineTo(A4.widthPt - MARGIN_PT, top).lineWidth(widthPt).stroke();
  };

  const textWidth = A4.widthPt - 2 * MARGIN_PT;
  let top = MARGIN_PT;
  write(content.business, MARGIN_PT, top, { sizePt: 11, leadingPt: 15, grey: 0.35, widthPt: textWidth });
  top += 30;
  top += write(content.title, MARGIN_PT, top, { sizePt: 18, leadingPt: 24, grey: 0, widthPt: textWidth }) * 24;
  rule(top - 8, 0.8);
  top += 14;
  for (const row of content.rows) {
    const labelLines = write(row.label, MARGIN_PT, top, { sizePt: 10, leadingPt: 15, grey: 0.4, widthPt: LABEL_WIDTH_PT - 8 });
    const valueLines = write(row.value, MARGIN_PT + LABEL_WIDTH_PT, top, { sizePt: 11, leadingPt: 15, grey: 0, widthPt: textWidth - LABEL_WIDTH_PT });
    top += Math.max(labelLines, valueLines) * 15 + 8;
  }
  rule(top - 4, 0.4);
  top += 18;
  for (const note of content.notes) top += write(note, MARGIN_PT, top, { sizePt: 10, leadingPt: 14, grey: 0.25, widthPt: textWidth }) * 14 + 4;
  write(content.issued, MARGIN_PT, A4.heightPt - MARGIN_PT, { sizePt: 9, leadingPt: 12, grey: 0.5, widthPt: textWidth });
  doc.end();
  return bytes;
}

/** The bytes pdfkit streams out, once the document is ended. */
function collect(doc: PDFKit.PDFDocument): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
}
