import { getDocumentProxy } from 'unpdf';

/** A run of text as a PDF viewer places it: page coordinates in points from the bottom-left corner. */
export interface PdfTextRun {
  text: string;
  x: number;
  /** Baseline height above the bottom edge. */
  y: number;
  widthPt: number;
  sizePt: number;
}

/** A font a page uses, as the viewer loaded it. */
export interface PdfFontInfo {
  /** The PDF's BaseFont, e.g. `CZZZZZ+DejaVuSans` (a six-letter tag and `+` mark a subset). */
  name: string;
  /** Whether the PDF carries the font file (otherwise the viewer substitutes a system font). */
  embedded: boolean;
  /** The embedded font file as the viewer loaded it. */
  data?: Uint8Array;
}

/** What {@link readPdf} finds in a PDF. */
export interface ReadPdf {
  /** `%PDF-x.y` of the header. */
  version: string;
  /** The document information dictionary (Title, Producer, CreationDate …). */
  info: Record<string, unknown>;
  /** Each page's text, one string per line, top to bottom, decoded through the fonts' ToUnicode maps. */
  pages: string[][];
  /** Each page's text runs with their positions. */
  runs: PdfTextRun[][];
  /** Each page's fonts. */
  fonts: PdfFontInfo[][];
}

/** Reads a PDF back with PDF.js (through unpdf): the text a viewer extracts, where it stands, and the fonts. */
export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  // PDF.js takes ownership of the buffer it is given, so it gets a copy.
  const document = await getDocumentProxy(new Uint8Array(bytes), { fontExtraProperties: true, disableFontFace: true });
  try {
    const metadata = await document.getMetadata();
    const info = metadata.info as Record<string, unknown>;
    const pages: string[][] = [];
    const runs: PdfTextRun[][] = [];
    const fonts: PdfFontInfo[][] = [];
    for (let number = 1; number <= document.numPages; number += 1) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      const pageRuns = content.items.flatMap((item) =>
        'str' in item && item.str !== '' ? [{ text: item.str, x: item.transform[4] as number, y: item.transform[5] as number, widthPt: item.width, sizePt: Math.hypot(item.transform[2] as number, item.transform[3] as number) }] : [],
      );
      runs.push(pageRuns);
      const lines = new Map<number, PdfTextRun[]>();
      for (const run of pageRuns) {
        const key = Math.round(run.y * 10) / 10;
        lines.set(key, [...(lines.get(key) ?? []), run]);
      }
      pages.push(
        [...lines.entries()]
          .sort((a, b) => b[0] - a[0])
          .map(([, line]) =>
            line
              .sort((a, b) => a.x - b.x)
              .map((run) => run.text)
              .join(''),
          ),
      );
      // Fonts are loaded into the page's shared objects while its operators are read.
      await page.getOperatorList();
      fonts.push(
        Object.keys(content.styles).map((id) => {
          const font = page.commonObjs.get(id) as { name: string; missingFile: boolean; data?: Uint8Array };
          return { name: font.name, embedded: !font.missingFile, data: font.data };
        }),
      );
    }
    return { version: String(info.PDFFormatVersion), info, pages, runs, fonts };
  } finally {
    await document.destroy();
  }
}
