/**
 * TensorBoard's HParams plugin data (tensorboard/plugins/hparams: plugin_data.proto, api.proto): an `experiment`
 * summary in the log folder's root run lists the hyperparameters and metrics; each session (a run folder) holds a
 * `session_start_info` with its values and a `session_end_info` with its status. The metrics themselves are the
 * session's ordinary scalars (tag `epoch/val_acc`, ...). Each is a Summary.Value whose metadata names the plugin,
 * whose plugin content is a serialized HParamsPluginData, and whose tensor is a scalar 0 (as the plugin writes).
 */
import protobuf from 'protobufjs';
import type { SummaryValue } from './events';

const STRUCT = `
syntax = "proto3";
package google.protobuf;
message ListValue {
  repeated Value values = 1;
}
message Value {
  oneof kind {
    int32 null_value = 1;
    double number_value = 2;
    string string_value = 3;
    bool bool_value = 4;
    ListValue list_value = 6;
  }
}
`;

const HPARAMS = `
syntax = "proto3";
package tensorboard.hparams;
message Interval {
  double min_value = 1;
  double max_value = 2;
}
message HParamInfo {
  string name = 1;
  string display_name = 2;
  string description = 3;
  int32 type = 4;
  oneof domain {
    google.protobuf.ListValue domain_discrete = 5;
    Interval domain_interval = 6;
  }
}
message MetricName {
  string group = 1;
  string tag = 2;
}
message MetricInfo {
  MetricName name = 1;
  string display_name = 3;
  string description = 4;
  int32 dataset_type = 5;
}
message Experiment {
  string description = 1;
  string user = 2;
  double time_created_secs = 3;
  repeated HParamInfo hparam_infos = 4;
  repeated MetricInfo metric_infos = 5;
  string name = 6;
}
message SessionStartInfo {
  map<string, google.protobuf.Value> hparams = 1;
  string model_uri = 2;
  string monitor_url = 3;
  string group_name = 4;
  double start_time_secs = 5;
}
message SessionEndInfo {
  int32 status = 1;
  double end_time_secs = 2;
}
message HParamsPluginData {
  int32 version = 1;
  oneof data {
    Experiment experiment = 2;
    SessionStartInfo session_start_info = 3;
    SessionEndInfo session_end_info = 4;
  }
}
`;

const root = protobuf.parse(STRUCT, { keepCase: true }).root;
protobuf.parse(HPARAMS, root, { keepCase: true });
const PluginData = root.lookupType('tensorboard.hparams.HParamsPluginData');

export const EXPERIMENT_TAG = '_hparams_/experiment';
export const SESSION_START_TAG = '_hparams_/session_start_info';
export const SESSION_END_TAG = '_hparams_/session_end_info';

/** api.proto's DataType and Status values. */
const DATA_TYPE = { string: 1, bool: 2, float64: 3 } as const;
export const SESSION_STATUS = { unknown: 0, success: 1, failure: 2, running: 3 } as const;
/** api.proto's DatasetType. */
const DATASET = { training: 1, validation: 2 } as const;

export type HParamValue = number | string | boolean;

type ProtoValue = { number_value: number } | { string_value: string } | { bool_value: boolean };

function protoValue(v: HParamValue): ProtoValue {
  return typeof v === 'number' ? { number_value: v } : typeof v === 'boolean' ? { bool_value: v } : { string_value: v };
}

/** A summary value of the plugin carrying `data` (one of experiment / session_start_info / session_end_info). */
function pluginSummary(tag: string, data: Record<string, unknown>): SummaryValue {
  const content = PluginData.encode(PluginData.fromObject({ version: 0, ...data })).finish();
  return {
    tag,
    metadata: { plugin_data: { plugin_name: 'hparams', content } },
    tensor: { dtype: 1, tensor_shape: {}, float_val: [0] },
  };
}

/**
 * The experiment: every hyperparameter with the values it takes (an interval for numbers, the list for the rest:
 * the plugin's filters need a domain) and every metric tag, training or validation by its `val_` prefix.
 */
export function experimentSummary(hparams: ReadonlyMap<string, readonly HParamValue[]>, metricTags: readonly string[], createdSecs: number): SummaryValue {
  const hparam_infos = [...hparams].map(([name, values]) => {
    if (values.every((v) => typeof v === 'number')) {
      const nums = values as number[];
      return { name, type: DATA_TYPE.float64, domain_interval: { min_value: Math.min(...nums), max_value: Math.max(...nums) } };
    }
    const type = values.every((v) => typeof v === 'boolean') ? DATA_TYPE.bool : DATA_TYPE.string;
    const distinct = [...new Set(values.map((v) => (type === DATA_TYPE.string ? String(v) : v)))];
    return { name, type, domain_discrete: { values: distinct.map(protoValue) } };
  });
  const metric_infos = metricTags.map((tag) => ({
    name: { group: '', tag },
    dataset_type: /(^|\/)val_/.test(tag) ? DATASET.validation : DATASET.training,
  }));
  return pluginSummary(EXPERIMENT_TAG, { experiment: { time_created_secs: createdSecs, hparam_infos, metric_infos } });
}

/** A session's hyperparameter values (typed as the experiment declares them); `group` names its sweep. */
export function sessionStartSummary(values: Record<string, HParamValue>, group: string, startSecs: number): SummaryValue {
  const hparams = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, protoValue(v)]));
  return pluginSummary(SESSION_START_TAG, { session_start_info: { hparams, group_name: group, start_time_secs: startSecs } });
}

export function sessionEndSummary(status: keyof typeof SESSION_STATUS, endSecs: number): SummaryValue {
  return pluginSummary(SESSION_END_TAG, { session_end_info: { status: SESSION_STATUS[status], end_time_secs: endSecs } });
}

/**
 * The HParamsPluginData in a summary's plugin content, as a plain object (tests, and tools reading exports).
 * @internal For tests reading the HParams summaries back.
 */
export function decodeHParams(content: Uint8Array): Record<string, unknown> {
  return PluginData.toObject(PluginData.decode(content), { defaults: false, arrays: true, oneofs: false }) as Record<string, unknown>;
}
