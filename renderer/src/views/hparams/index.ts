export { default as HParamsView } from './HParamsView.svelte';
export { columns, curvesLayout, rows, sortRows, filterRows, parallelLayout, metricColor, metricKeys, type HParamsSweep, type Column, type Row, type RowFilter, type PlotLayout } from './model';
