export { default as HParamsView } from './HParamsView.svelte';
export { columns, curvesLayout, rows, sortRows, filterRows, parallelLayout, metricColor, metricKeys, type HParamsSweep, type Column, type Row, type RowFilter, type PlotLayout } from './model';
export { default as SweepsPanel } from './SweepsPanel.svelte';
export { checkDraft, draftJson, newDraft, newDimension, parseValues, type SweepDraft, type DimensionDraft } from './sweepForm';
