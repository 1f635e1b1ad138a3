// Renders PDFs in a worker thread (see pdf.ts): receives { id, kind, model } with every text
// final — kind 'delivery' (DeliveryReportPdf, the default) or 'report' (ReportSummaryPdf:
// short and group reports) — and answers { id, ok, pdf | error }.
// Plain JavaScript on purpose: Node runs it as it is, with React.createElement for JSX.
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { createElement as h } from 'react';
import { Document, Font, Page, Rect, StyleSheet, Svg, Text, View, renderToBuffer } from '@react-pdf/renderer';

// DejaVu Sans has Cyrillic; the PDF embeds the subset it uses.
const fontDir = path.join(process.cwd(), 'node_modules', 'dejavu-fonts-ttf', 'ttf');

// The default hyphenation is for English; Bulgarian words must not be split by its rules.
Font.registerHyphenationCallback((word) => [word]);

// Fonts are registered afresh for every document, under a family name of its own, and dropped
// after it: a fontkit font object reused by a second document in the same thread comes out
// with glyphs missing (react-pdf 4.9 keeps per-document state on it). Loading the two TTFs
// again costs a few milliseconds.
let documents = 0;
function registerFonts() {
  const family = `DejaVu Sans ${++documents}`;
  Font.register({
    family,
    fonts: [
      { src: path.join(fontDir, 'DejaVuSans.ttf'), fontWeight: 'normal' },
      { src: path.join(fontDir, 'DejaVuSans-Bold.ttf'), fontWeight: 'bold' },
    ],
  });
  return family;
}

function unregisterFonts(family) {
  delete Font.getRegisteredFonts()[family];
}

const INK = '#0f172a';
const MUTED = '#475569';
const LINE = '#e2e8f0';
const CHART_WIDTH = 240;
const BAR_HEIGHT = 10;

const styles = StyleSheet.create({
  page: { fontSize: 9.5, color: INK, paddingTop: 36, paddingBottom: 48, paddingHorizontal: 40, lineHeight: 1.35 },
  kicker: { fontSize: 9, color: MUTED, textTransform: 'uppercase', letterSpacing: 0.6 },
  heading: { fontSize: 17, fontWeight: 'bold', lineHeight: 1.25, marginTop: 2, marginBottom: 14 },
  section: { marginBottom: 14 },
  sectionTitle: { fontSize: 11.5, fontWeight: 'bold', marginBottom: 6, paddingBottom: 3, borderBottomWidth: 1, borderBottomColor: LINE },
  factRow: { flexDirection: 'row', paddingVertical: 1.5 },
  factLabel: { width: 130, color: MUTED },
  factValue: { flex: 1 },
  contentBox: { marginTop: 6, padding: 8, borderWidth: 1, borderColor: LINE, borderRadius: 3, backgroundColor: '#f8fafc' },
  note: { color: MUTED, fontSize: 8.5, marginTop: 3 },
  tableHead: { flexDirection: 'row', borderBottomWidth: 1, borderBottomColor: LINE, paddingBottom: 3, color: MUTED, fontSize: 8.5 },
  tableRow: { flexDirection: 'row', paddingVertical: 2, borderBottomWidth: 0.5, borderBottomColor: LINE },
  totalRow: { flexDirection: 'row', paddingVertical: 2, fontWeight: 'bold' },
  colStatus: { flex: 1, flexDirection: 'row', alignItems: 'center' },
  colCode: { width: 50, textAlign: 'right' },
  colCount: { width: 80, textAlign: 'right' },
  colShare: { width: 70, textAlign: 'right' },
  swatch: { width: 7, height: 7, marginRight: 6, borderRadius: 1 },
  chartTitle: { fontSize: 9, color: MUTED, marginTop: 10, marginBottom: 4 },
  chartRow: { flexDirection: 'row', alignItems: 'center', marginBottom: 3 },
  chartLabel: { width: 150, paddingRight: 6, fontSize: 8.5 },
  chartShare: { width: 70, paddingLeft: 6, fontSize: 8.5 },
  columns: { flexDirection: 'row', gap: 24 },
  column: { flex: 1 },
  footer: { position: 'absolute', left: 40, right: 40, bottom: 22, flexDirection: 'row', justifyContent: 'space-between', fontSize: 8, color: MUTED },
});

function section(title, ...children) {
  return h(View, { style: styles.section, wrap: false }, h(Text, { style: styles.sectionTitle }, title), ...children);
}

function facts(rows) {
  return rows.map(([label, value], i) =>
    h(View, { key: i, style: styles.factRow }, h(Text, { style: styles.factLabel }, label), h(Text, { style: styles.factValue }, value)),
  );
}

function statusTable(statuses) {
  const [status, code, count, share] = statuses.columns;
  return [
    h(
      View,
      { key: 'head', style: styles.tableHead },
      h(Text, { style: styles.colStatus }, status),
      h(Text, { style: styles.colCode }, code),
      h(Text, { style: styles.colCount }, count),
      h(Text, { style: styles.colShare }, share),
    ),
    ...statuses.rows.map((row, i) =>
      h(
        View,
        { key: `r${i}`, style: styles.tableRow },
        h(View, { style: styles.colStatus }, h(View, { style: [styles.swatch, { backgroundColor: row.color }] }), h(Text, null, row.label)),
        h(Text, { style: styles.colCode }, row.code),
        h(Text, { style: styles.colCount }, row.count),
        h(Text, { style: styles.colShare }, row.share),
      ),
    ),
    h(
      View,
      { key: 'total', style: styles.totalRow },
      h(Text, { style: styles.colStatus }, statuses.total[0]),
      h(Text, { style: styles.colCode }, statuses.total[1]),
      h(Text, { style: styles.colCount }, statuses.total[2]),
      h(Text, { style: styles.colShare }, statuses.total[3]),
    ),
  ];
}

/** A horizontal bar per status: a light track and the share drawn on it. */
function chart(statuses) {
  return [
    h(Text, { key: 'title', style: styles.chartTitle }, statuses.chartTitle),
    ...statuses.rows.map((row, i) => {
      const fraction = Math.min(1, Math.max(0, Number(row.fraction) || 0));
      // A tiny non-zero share still shows as a sliver.
      const width = fraction > 0 ? Math.max(1, fraction * CHART_WIDTH) : 0;
      return h(
        View,
        { key: `b${i}`, style: styles.chartRow },
        h(Text, { style: styles.chartLabel }, row.label),
        h(
          Svg,
          { width: CHART_WIDTH, height: BAR_HEIGHT, viewBox: `0 0 ${CHART_WIDTH} ${BAR_HEIGHT}` },
          h(Rect, { x: 0, y: 0, width: CHART_WIDTH, height: BAR_HEIGHT, fill: '#f1f5f9' }),
          width > 0 ? h(Rect, { x: 0, y: 0, width, height: BAR_HEIGHT, fill: row.color }) : null,
        ),
        h(Text, { style: styles.chartShare }, row.share),
      );
    }),
  ];
}

function report(model, fontFamily) {
  const { statuses, timing } = model;
  return h(
    Document,
    { title: model.metaTitle, author: 'SMS Portal', creator: 'SMS Portal', producer: 'SMS Portal', language: model.lang },
    h(
      Page,
      { size: 'A4', style: [styles.page, { fontFamily }] },
      h(Text, { style: styles.kicker }, model.title),
      h(Text, { style: styles.heading }, model.heading),
      h(
        View,
        { style: styles.section },
        h(Text, { style: styles.sectionTitle }, model.facts.title),
        ...facts(model.facts.rows),
        h(
          View,
          { style: styles.contentBox, wrap: false },
          h(Text, { style: { color: MUTED, fontSize: 8.5, marginBottom: 2 } }, model.content.label),
          h(Text, null, model.content.text),
          model.content.note ? h(Text, { style: styles.note }, model.content.note) : null,
        ),
      ),
      statuses.empty
        ? section(statuses.title, h(Text, { style: { color: MUTED } }, statuses.empty))
        : section(statuses.title, ...statusTable(statuses), ...chart(statuses)),
      h(
        View,
        { style: styles.columns, wrap: false },
        h(View, { style: styles.column }, section(model.points.title, ...facts(model.points.rows))),
        h(
          View,
          { style: styles.column },
          section(
            timing.title,
            ...(timing.empty ? [h(Text, { key: 'none', style: { color: MUTED } }, timing.empty)] : facts(timing.rows)),
            timing.help ? h(Text, { key: 'help', style: styles.note }, timing.help) : null,
          ),
        ),
      ),
      insightSection(model.delivery),
      h(
        View,
        { style: styles.footer, fixed: true },
        h(Text, null, model.footer.generated),
        h(Text, {
          render: ({ pageNumber, totalPages }) => model.footer.page.replace('{page}', String(pageNumber)).replace('{pages}', String(totalPages)),
        }),
      ),
    ),
  );
}

// ---- Report summaries (short, group): facts, a stacked bar chart of daily counts, a table ----

const CHART_HEIGHT = 110;

const summaryStyles = StyleSheet.create({
  legend: { flexDirection: 'row', flexWrap: 'wrap', marginBottom: 4, fontSize: 8.5, color: MUTED },
  legendItem: { flexDirection: 'row', alignItems: 'center', marginRight: 12 },
  axis: { flexDirection: 'row', justifyContent: 'space-between', fontSize: 8, color: MUTED, marginTop: 2 },
  cell: { paddingHorizontal: 2 },
  note: { color: MUTED, fontSize: 8.5, marginTop: 4 },
});

function barChart(chart, width) {
  const bars = chart.bars;
  const totals = bars.map((values) => values.reduce((sum, v) => sum + Math.max(0, Number(v) || 0), 0));
  const max = Math.max(1, ...totals);
  const slot = width / Math.max(1, bars.length);
  const gap = slot > 4 ? Math.min(2, slot * 0.2) : 0;
  const rects = [h(Rect, { key: 'bg', x: 0, y: 0, width, height: CHART_HEIGHT, fill: '#f8fafc' })];
  bars.forEach((values, i) => {
    let y = CHART_HEIGHT;
    values.forEach((value, s) => {
      const v = Math.max(0, Number(value) || 0);
      if (!v) return;
      const height = Math.max(0.5, (v / max) * CHART_HEIGHT);
      y -= height;
      rects.push(h(Rect, { key: `${i}-${s}`, x: i * slot + gap / 2, y, width: Math.max(0.5, slot - gap), height, fill: chart.series[s]?.color ?? INK }));
    });
  });
  return [
    h(
      View,
      { key: 'legend', style: summaryStyles.legend },
      ...chart.series.map((series, i) =>
        h(View, { key: i, style: summaryStyles.legendItem }, h(View, { style: [styles.swatch, { backgroundColor: series.color }] }), h(Text, null, series.label)),
      ),
      h(Text, { key: 'max' }, chart.maxLabel),
    ),
    h(Svg, { key: 'svg', width, height: CHART_HEIGHT, viewBox: `0 0 ${width} ${CHART_HEIGHT}` }, ...rects),
    h(View, { key: 'axis', style: summaryStyles.axis }, h(Text, null, chart.firstLabel), h(Text, null, chart.lastLabel)),
  ];
}

function tableRow(columns, cells, style, key) {
  return h(
    View,
    { key, style, wrap: false },
    ...columns.map((column, i) =>
      h(Text, { key: i, style: [summaryStyles.cell, { flex: column.flex, textAlign: column.numeric ? 'right' : 'left' }] }, cells[i] ?? ''),
    ),
  );
}

// ---- Deliverability (lib/insights/pdf.ts), in the delivery report and the short report ----

/** The delivery figures, a bar of the delivery rate per network, the networks' table and the top errors with their meaning and next step. */
function insightSection(delivery) {
  if (!delivery) return null;
  if (delivery.empty) return section(delivery.title, h(Text, { style: { color: MUTED } }, delivery.empty));
  const { networks, errors } = delivery;
  return h(
    View,
    { style: styles.section },
    h(View, { wrap: false }, h(Text, { style: styles.sectionTitle }, delivery.title), ...facts(delivery.facts)),
    h(
      View,
      { wrap: false },
      h(Text, { style: styles.chartTitle }, networks.title),
      ...networks.rows.map((row, i) => {
        const rate = Math.min(1, Math.max(0, Number(networks.rates[i]) || 0));
        return h(
          View,
          { key: `n${i}`, style: styles.chartRow },
          h(Text, { style: styles.chartLabel }, row[0]),
          h(
            Svg,
            { width: CHART_WIDTH, height: BAR_HEIGHT, viewBox: `0 0 ${CHART_WIDTH} ${BAR_HEIGHT}` },
            h(Rect, { x: 0, y: 0, width: CHART_WIDTH, height: BAR_HEIGHT, fill: '#f1f5f9' }),
            rate > 0 ? h(Rect, { x: 0, y: 0, width: Math.max(1, rate * CHART_WIDTH), height: BAR_HEIGHT, fill: '#059669' }) : null,
          ),
          h(Text, { style: styles.chartShare }, row[4]),
        );
      }),
      h(View, { style: { marginTop: 6 } }, tableRow(networks.columns, networks.columns.map((c) => c.label), styles.tableHead, 'head')),
      ...networks.rows.map((row, i) => tableRow(networks.columns, row, styles.tableRow, `nr${i}`)),
    ),
    h(Text, { style: [styles.chartTitle, { marginTop: 12 }] }, errors.title),
    ...(errors.empty
      ? [h(Text, { key: 'none', style: { color: MUTED } }, errors.empty)]
      : [
          tableRow(errors.columns, errors.columns.map((c) => c.label), styles.tableHead, 'ehead'),
          ...errors.rows.map((row, i) => tableRow(errors.columns, row, styles.tableRow, `e${i}`)),
        ]),
  );
}

function summary(model, fontFamily) {
  const landscape = model.orientation === 'landscape';
  const contentWidth = (landscape ? 841.89 : 595.28) - 80;
  const { chart, table } = model;
  return h(
    Document,
    { title: model.metaTitle, author: 'SMS Portal', creator: 'SMS Portal', producer: 'SMS Portal', language: model.lang },
    h(
      Page,
      { size: 'A4', orientation: landscape ? 'landscape' : 'portrait', style: [styles.page, { fontFamily }] },
      h(Text, { style: styles.kicker }, model.title),
      h(Text, { style: styles.heading }, model.heading),
      h(View, { style: styles.section }, ...facts(model.facts)),
      chart.empty
        ? section(chart.title, h(Text, { style: { color: MUTED } }, chart.empty))
        : section(chart.title, ...barChart(chart, contentWidth)),
      insightSection(model.delivery),
      h(
        View,
        { style: styles.section },
        h(Text, { style: styles.sectionTitle }, table.title),
        ...(table.empty
          ? [h(Text, { key: 'none', style: { color: MUTED } }, table.empty)]
          : [
              tableRow(table.columns, table.columns.map((c) => c.label), styles.tableHead, 'head'),
              ...table.rows.map((row, i) => tableRow(table.columns, row, styles.tableRow, `r${i}`)),
              table.total ? tableRow(table.columns, table.total, styles.totalRow, 'total') : null,
            ]),
        table.note ? h(Text, { style: summaryStyles.note }, table.note) : null,
      ),
      h(
        View,
        { style: styles.footer, fixed: true },
        h(Text, null, model.footer.generated),
        h(Text, {
          render: ({ pageNumber, totalPages }) => model.footer.page.replace('{page}', String(pageNumber)).replace('{pages}', String(totalPages)),
        }),
      ),
    ),
  );
}

parentPort?.on('message', async ({ id, kind, model }) => {
  const family = registerFonts();
  try {
    const buffer = await renderToBuffer(kind === 'report' ? summary(model, family) : report(model, family));
    // A copy of its own, so that it can be transferred instead of cloned.
    const pdf = new Uint8Array(buffer);
    parentPort.postMessage({ id, ok: true, pdf }, [pdf.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  } finally {
    unregisterFonts(family);
  }
});
