import { A4, createPdf } from './pdf.ts';

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

const MARGIN_PT = 56;
const LABEL_WIDTH_PT = 150;

/** Lays out a one-page appointment confirmation: header, a label/value table, notes, footer. */
export function renderConfirmationPdf(content: ConfirmationContent): Uint8Array {
  const pdf = createPdf({ title: content.title, createdAt: content.createdAt });
  const page = pdf.addPage();
  const right = A4.widthPt - MARGIN_PT;
  let y = A4.heightPt - MARGIN_PT;
  page.text(content.business, { x: MARGIN_PT, y, sizePt: 11, grey: 0.35 });
  y -= 30;
  for (const line of pdf.wrap(content.title, 18, right - MARGIN_PT)) {
    page.text(line, { x: MARGIN_PT, y, sizePt: 18 });
    y -= 24;
  }
  page.line(MARGIN_PT, y + 8, right, y + 8, 0.8);
  y -= 14;
  for (const row of content.rows) {
    const lines = pdf.wrap(row.value, 11, right - MARGIN_PT - LABEL_WIDTH_PT);
    page.text(row.label, { x: MARGIN_PT, y, sizePt: 10, grey: 0.4 });
    for (const [index, line] of lines.entries()) page.text(line, { x: MARGIN_PT + LABEL_WIDTH_PT, y: y - index * 15, sizePt: 11 });
    y -= Math.max(1, lines.length) * 15 + 8;
  }
  page.line(MARGIN_PT, y + 4, right, y + 4, 0.4);
  y -= 18;
  for (const note of content.notes) {
    for (const line of pdf.wrap(note, 10, right - MARGIN_PT)) {
      page.text(line, { x: MARGIN_PT, y, sizePt: 10, grey: 0.25 });
      y -= 14;
    }
    y -= 4;
  }
  page.text(content.issued, { x: MARGIN_PT, y: MARGIN_PT, sizePt: 9, grey: 0.5 });
  return pdf.toBytes();
}
