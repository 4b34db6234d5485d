// Reports: run directories, results.json, the self-contained report.html, plots, images, progress.
export { createRun, runFor, writeResults, writeFileAtomic, environment } from './run.js';
export type { Run, CreateRunOptions, RunResults, Environment } from './run.js';
export { writeReport, renderReportHtml, escapeHtml, formatCell, text, code, plot, table, keyValues, image, svg } from './html.js';
export type { Cell, ReportBlock, ReportSection, ReportContent } from './html.js';
export { lineChart, barChart, scatterPlot, heatmap, renderPlotSvg } from './plots.js';
export type { PlotSpec, LineSeries, LineChartOptions, BarGroup, BarChartOptions, ScatterPoint, ScatterPlotOptions, HeatmapOptions } from './plots.js';
export { encodePng, pngDataUrl, crc32 } from './png.js';
export type { PngImage } from './png.js';
export { imageGrid, splitImages } from './image-grid.js';
export type { ImageGridOptions } from './image-grid.js';
export { progressBar } from './progress.js';
export type { ProgressBar, ProgressMetrics, ProgressOptions } from './progress.js';
