// The PK's pages, laid out as content streams: the agreement with its signature block, then the
// annex tables (indicators, budget) that break across pages with their header row repeated.
import { formatIndonesianDate, formatNumberId, formatRupiah } from '../domain/format';
import type { Indicator } from '../domain/types';
import { budgetLinesOf, documentKind, type AgreementPdfInput, type Party } from './agreement-input';
import { Canvas, type Fonts } from './canvas';

export const PAGE_WIDTH = 595.28;
export const PAGE_HEIGHT = 841.89;
const MARGIN_X = 62;
const MARGIN_TOP = 60;
const MARGIN_BOTTOM = 60;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
const BODY_SIZE = 11;
const BODY_LEADING = 15.5;
/** Size of the visible signature area in the signature block. */
export const SIGNATURE_BOX = { width: 215, height: 78 };

export interface SignatureSlot {
  party: Party;
  /** [x1, y1, x2, y2] in page space. */
  rect: [number, number, number, number];
}

export interface LaidOutPage {
  canvas: Canvas;
  signatureSlots: SignatureSlot[];
}

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'center' | 'right';
}

/** Cursor over a sequence of pages; `y` is the baseline position going down the page. */
class Flow {
  readonly pages: LaidOutPage[] = [];
  y = 0;

  constructor(private readonly fonts: Fonts) {
    this.newPage();
  }

  get page(): LaidOutPage {
    return this.pages[this.pages.length - 1];
  }

  get canvas(): Canvas {
    return this.page.canvas;
  }

  newPage(): void {
    this.pages.push({ canvas: new Canvas(this.fonts), signatureSlots: [] });
    this.y = PAGE_HEIGHT - MARGIN_TOP;
  }

  /** Starts a new page unless `height` points still fit above the bottom margin. */
  ensure(height: number): boolean {
    if (this.y - height >= MARGIN_BOTTOM) return false;
    this.newPage();
    return true;
  }

  centered(text: string, size: number, bold: boolean, leading: number): void {
    for (const line of this.canvas.wrap(text, size, CONTENT_WIDTH, bold)) {
      this.y -= leading;
      this.canvas.text(line, MARGIN_X, this.y, size, { bold, align: 'center', width: CONTENT_WIDTH });
    }
  }

  paragraph(text: string, indent = 0, size = BODY_SIZE, bold = false): void {
    for (const line of this.canvas.wrap(text, size, CONTENT_WIDTH - indent, bold)) {
      this.ensure(BODY_LEADING);
      this.y -= BODY_LEADING;
      this.canvas.text(line, MARGIN_X + indent, this.y, size, { bold });
    }
  }

  gap(points: number): void {
    this.y -= points;
  }
}

function header(flow: Flow, input: AgreementPdfInput, title: string): void {
  flow.centered(title, 13, true, 17);
  if (input.unitName) flow.centered(input.unitName.toUpperCase(), 12, true, 16);
  flow.centered(input.organisation.toUpperCase(), 12, true, 16);
  flow.gap(14);
}

function identity(flow: Flow, party: { name: string; title: string; nip: string | null }): void {
  const rows: Array<[string, string]> = [['Nama', party.name], ['Jabatan', party.title]];
  if (party.nip) rows.push(['NIP', party.nip]);
  const labelWidth = 62;
  for (const [label, value] of rows) {
    const lines = flow.canvas.wrap(value, BODY_SIZE, CONTENT_WIDTH - 24 - labelWidth - 10);
    lines.forEach((line, i) => {
      flow.ensure(BODY_LEADING);
      flow.y -= BODY_LEADING;
      if (i === 0) {
        flow.canvas.text(label, MARGIN_X + 24, flow.y, BODY_SIZE);
        flow.canvas.text(':', MARGIN_X + 24 + labelWidth, flow.y, BODY_SIZE);
      }
      flow.canvas.text(line, MARGIN_X + 24 + labelWidth + 10, flow.y, BODY_SIZE);
    });
  }
}

const OPENING =
  'Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel serta ' +
  'berorientasi pada hasil, kami yang bertanda tangan di bawah ini:';
const OPENING_ALONE =
  'Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel serta ' +
  'berorientasi pada hasil, saya yang bertanda tangan di bawah ini:';
const COMMITMENT =
  'Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran perjanjian ini, ' +
  'dalam rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan dalam dokumen ' +
  'perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi tanggung jawab kami.';
const COMMITMENT_ALONE =
  'berjanji akan mewujudkan target kinerja tahunan sesuai lampiran perjanjian ini dalam rangka mencapai ' +
  'target kinerja jangka menengah seperti yang telah ditetapkan dalam dokumen perencanaan. Keberhasilan ' +
  'dan kegagalan pencapaian target kinerja tersebut menjadi tanggung jawab saya.';
const SUPERVISION =
  'Pihak kedua akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap capaian ' +
  'kinerja dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka pemberian penghargaan ' +
  'dan sanksi.';

function agreementPage(flow: Flow, input: AgreementPdfInput): void {
  header(flow, input, `${documentKind(input).toUpperCase()} TAHUN ${input.year}`);
  const second = input.secondParty;
  flow.paragraph(second ? OPENING : OPENING_ALONE);
  flow.gap(6);
  identity(flow, input.firstParty);
  if (second) {
    flow.gap(4);
    flow.paragraph('selanjutnya disebut pihak pertama.');
    flow.gap(6);
    identity(flow, second);
    flow.gap(4);
    flow.paragraph('selaku atasan langsung pihak pertama, selanjutnya disebut pihak kedua.');
    flow.gap(8);
    flow.paragraph(COMMITMENT);
    flow.gap(6);
    flow.paragraph(SUPERVISION);
  } else {
    flow.gap(8);
    flow.paragraph(COMMITMENT_ALONE);
  }
  flow.gap(18);
  signatureBlock(flow, input);
}

/** Pihak Kedua on the left, Pihak Pertama on the right (alone on the right for a statement). */
function signatureBlock(flow: Flow, input: AgreementPdfInput): void {
  const columnWidth = SIGNATURE_BOX.width + 10;
  const rightX = PAGE_WIDTH - MARGIN_X - columnWidth;
  const leftX = MARGIN_X;
  const columns: Array<{ party: Party; x: number; label: string; person: NonNullable<AgreementPdfInput['secondParty']> }> = [
    { party: 'first', x: rightX, label: 'PIHAK PERTAMA,', person: input.firstParty },
  ];
  if (input.secondParty) columns.unshift({ party: 'second', x: leftX, label: 'PIHAK KEDUA,', person: input.secondParty });
  const alone = !input.secondParty;

  const titleLines = columns.map((c) => flow.canvas.wrap(alone ? `${c.person.title.toUpperCase()},` : c.person.title, BODY_SIZE, columnWidth, alone));
  const maxTitle = Math.max(...titleLines.map((l) => l.length));
  const blockHeight = BODY_LEADING * (3 + maxTitle) + SIGNATURE_BOX.height + 8 + BODY_LEADING * 2;
  flow.ensure(blockHeight);

  const top = flow.y;
  flow.canvas.text(`${input.place}, ${formatIndonesianDate(input.date)}`, rightX, top - BODY_LEADING, BODY_SIZE, { align: 'center', width: columnWidth });
  columns.forEach((column, i) => {
    let y = top - BODY_LEADING * 2;
    if (!alone) {
      y -= BODY_LEADING;
      column.label && flow.canvas.text(column.label, column.x, y, BODY_SIZE, { bold: true, align: 'center', width: columnWidth });
    }
    for (const line of titleLines[i]) {
      y -= BODY_LEADING;
      flow.canvas.text(line, column.x, y, BODY_SIZE, { bold: alone, align: 'center', width: columnWidth });
    }
    // The signature box sits at the same height in both columns.
    const boxTop = top - BODY_LEADING * (3 + maxTitle) - 4;
    const boxX = column.x + (columnWidth - SIGNATURE_BOX.width) / 2;
    flow.page.signatureSlots.push({
      party: column.party,
      rect: [boxX, boxTop - SIGNATURE_BOX.height, boxX + SIGNATURE_BOX.width, boxTop],
    });
    y = boxTop - SIGNATURE_BOX.height - 4 - BODY_LEADING;
    const nameWidth = flow.canvas.width(column.person.name, BODY_SIZE, true);
    flow.canvas.text(column.person.name, column.x, y, BODY_SIZE, { bold: true, align: 'center', width: columnWidth });
    const underlineX = column.x + (columnWidth - nameWidth) / 2;
    flow.canvas.line(underlineX, y - 2, underlineX + nameWidth, y - 2, 0.7);
    if (column.person.nip) {
      flow.canvas.text(`NIP. ${column.person.nip}`, column.x, y - BODY_LEADING, BODY_SIZE, { align: 'center', width: columnWidth });
    }
  });
  flow.y = top - blockHeight;
}

const TABLE_SIZE = 9;
const TABLE_LEADING = 11;
const CELL_PAD = 4;

/**
 * Draws a table row by row; a row that does not fit goes to a new page, which starts with the
 * header row again. Rows are never split.
 */
function table(flow: Flow, columns: Column[], rows: Array<{ cells: string[]; bold?: boolean; shade?: boolean }>): void {
  const drawRow = (cells: string[], bold: boolean, shade: boolean, lines: string[][]) => {
    const height = Math.max(...lines.map((l) => l.length)) * TABLE_LEADING + 2 * CELL_PAD;
    const top = flow.y;
    let x = MARGIN_X;
    if (shade) flow.canvas.fillRect(MARGIN_X, top - height, CONTENT_WIDTH, height, 0.88);
    columns.forEach((column, i) => {
      flow.canvas.rect(x, top - height, column.width, height);
      lines[i].forEach((line, n) => {
        const baseline = top - CELL_PAD - TABLE_LEADING * (n + 1) + 2.5;
        flow.canvas.text(line, x + CELL_PAD, baseline, TABLE_SIZE, { bold, align: column.align ?? 'left', width: column.width - 2 * CELL_PAD });
      });
      x += column.width;
    });
    flow.y = top - height;
    void cells;
  };
  const linesOf = (cells: string[], bold: boolean) =>
    cells.map((cell, i) => flow.canvas.wrap(cell, TABLE_SIZE, columns[i].width - 2 * CELL_PAD, bold));
  const heightOf = (lines: string[][]) => Math.max(...lines.map((l) => l.length)) * TABLE_LEADING + 2 * CELL_PAD;

  const headerCells = columns.map((c) => c.header);
  const headerLines = linesOf(headerCells, true);
  const headerHeight = heightOf(headerLines);
  const drawHeader = () => drawRow(headerCells, true, true, headerLines.map((l) => l));

  // Keep the header with at least the first row.
  const firstLines = rows.length ? linesOf(rows[0].cells, !!rows[0].bold) : [];
  flow.ensure(headerHeight + (rows.length ? heightOf(firstLines) : 0));
  drawHeader();
  for (const row of rows) {
    const lines = linesOf(row.cells, !!row.bold);
    if (flow.ensure(heightOf(lines))) drawHeader();
    drawRow(row.cells, !!row.bold, !!row.shade, lines);
  }
}

function targetText(indicator: Indicator): string {
  if (indicator.range) return `${formatNumberId(indicator.range[0])}–${formatNumberId(indicator.range[1])}`;
  return indicator.target === null ? '-' : formatNumberId(indicator.target);
}

function annex(flow: Flow, input: AgreementPdfInput): void {
  flow.newPage();
  header(flow, input, `LAMPIRAN ${documentKind(input).toUpperCase()} TAHUN ${input.year}`);
  flow.paragraph(`Tabel 1. Sasaran, Indikator Kinerja, dan Target`, 0, 10, true);
  flow.gap(6);
  const indicatorRows: Array<{ cells: string[] }> = [];
  let number = 0;
  for (const objective of input.content.objectives) {
    objective.indicators.forEach((indicator, i) => {
      number++;
      indicatorRows.push({ cells: [String(number), i === 0 ? objective.text : '', indicator.name, targetText(indicator), indicator.unit] });
    });
  }
  table(flow, [
    { header: 'No', width: 28, align: 'center' },
    { header: 'Sasaran', width: 148 },
    { header: 'Indikator Kinerja', width: 175 },
    { header: 'Target', width: 60, align: 'right' },
    { header: 'Satuan', width: CONTENT_WIDTH - 28 - 148 - 175 - 60 },
  ], indicatorRows);

  flow.gap(20);
  flow.ensure(60);
  flow.paragraph(`Tabel 2. ${budgetLinesOf(input)} dan Anggaran`, 0, 10, true);
  flow.gap(6);
  const total = input.content.budget.reduce((sum, line) => sum + line.amount, 0);
  table(flow, [
    { header: 'No', width: 28, align: 'center' },
    { header: budgetLinesOf(input), width: CONTENT_WIDTH - 28 - 140 },
    { header: 'Anggaran (Rp)', width: 140, align: 'right' },
  ], [
    ...input.content.budget.map((line, i) => ({ cells: [String(i + 1), line.program, formatRupiah(line.amount)] })),
    { cells: ['', 'TOTAL', formatRupiah(total)], bold: true },
  ]);
}

function footers(pages: LaidOutPage[], input: AgreementPdfInput): void {
  const label = `${documentKind(input)} Tahun ${input.year} — ${input.firstParty.title}`;
  pages.forEach((page, i) => {
    page.canvas.text(label, MARGIN_X, 30, 8);
    page.canvas.text(`Halaman ${i + 1} dari ${pages.length}`, MARGIN_X, 30, 8, { align: 'right', width: CONTENT_WIDTH });
  });
}

/** Lays out the whole PK. */
export function layoutAgreement(input: AgreementPdfInput, fonts: Fonts): LaidOutPage[] {
  const flow = new Flow(fonts);
  agreementPage(flow, input);
  annex(flow, input);
  footers(flow.pages, input);
  return flow.pages;
}

/** Every string the layout may print, to choose a font subset that covers them. */
export function printedTexts(input: AgreementPdfInput): string[] {
  const texts = [input.organisation, input.organisation.toUpperCase(), input.place, input.firstParty.name, input.firstParty.title, input.firstParty.title.toUpperCase()];
  if (input.unitName) texts.push(input.unitName, input.unitName.toUpperCase());
  if (input.secondParty) texts.push(input.secondParty.name, input.secondParty.title);
  for (const objective of input.content.objectives) {
    texts.push(objective.text);
    for (const indicator of objective.indicators) texts.push(indicator.name, indicator.unit);
  }
  for (const line of input.content.budget) texts.push(line.program);
  return texts;
}
