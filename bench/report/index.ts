// Benchmark results: the record type, the Markdown table, the plots and the writer.
export { markdownReport, markdownTable } from './markdown.js';
export { recallVsBitsSpec, recallVsQpsSpec, renderSvg } from './plots.js';
export { type BenchRecord, type MachineInfo, machineInfo, RECORD_FIELDS, validateRecord } from './record.js';
export { type WriteResultsOptions, type WrittenResults, writeResults } from './write.js';
