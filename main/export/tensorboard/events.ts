/**
 * TensorBoard event files: TFRecord framing (length, masked CRC-32C of the length, data, masked CRC-32C of the
 * data) around tensorflow.Event protos. The protos are the subset TensorBoard reads for scalars and histograms,
 * declared inline for protobufjs, with TensorFlow's field numbers.
 */
import { open, mkdir, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { maskedCrc32c } from './crc32c';

const PROTO = `
syntax = "proto3";
package tensorflow;
message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}
message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
}
message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  repeated float float_val = 5 [packed = true];
}
message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
}
message Summary {
  message Image {
    int32 height = 1;
    int32 width = 2;
    int32 colorspace = 3;
    bytes encoded_image_string = 4;
  }
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      bytes obsolete_old_style_histogram = 3;
      Image image = 4;
      HistogramProto histo = 5;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
    Summary summary = 5;
  }
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const EventType = root.lookupType('tensorflow.Event');

export interface HistogramValue {
  min: number;
  max: number;
  num: number;
  sum: number;
  sum_squares: number;
  bucket_limit: number[];
  bucket: number[];
}

/** An encoded picture (PNG here); colorspace 1 grey, 3 RGB, 4 RGBA. */
export interface ImageValue {
  height: number;
  width: number;
  colorspace: number;
  encoded_image_string: Uint8Array;
}

/** A TensorFlow tensor, the few fields the HParams summaries use (dtype 1 = DT_FLOAT). */
export interface TensorValue {
  dtype: number;
  tensor_shape?: { dim?: { size: number }[] };
  float_val?: number[];
}

/** Which TensorBoard plugin reads a summary, and its own serialized data. */
export interface SummaryMetadataValue {
  plugin_data?: { plugin_name: string; content?: Uint8Array };
  display_name?: string;
  summary_description?: string;
}

export interface SummaryValue {
  tag: string;
  metadata?: SummaryMetadataValue;
  simple_value?: number;
  histo?: HistogramValue;
  image?: ImageValue;
  tensor?: TensorValue;
}

export interface TbEvent {
  wall_time: number;
  step: number;
  file_version?: string;
  summary?: { value: SummaryValue[] };
}

export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

export function encodeEvent(event: TbEvent): Uint8Array {
  const message = EventType.fromObject(event);
  return EventType.encode(message).finish();
}

/**
 * Every event of an event file, checking both CRCs of every record.
 * @internal The writer's own reader: tests check the event files the export wrote.
 */
export function readEventFile(bytes: Uint8Array, file = 'event file'): TbEvent[] {
  const events: TbEvent[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new Error(`${file}: record header cut short at byte ${at}.`);
    const length = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskedCrc32c(bytes.subarray(at, at + 8))) throw new Error(`${file}: length CRC mismatch at byte ${at}: the file is damaged.`);
    const data = bytes.subarray(at + 12, at + 12 + length);
    if (data.length !== length || at + 16 + length > bytes.length) throw new Error(`${file}: record at byte ${at} cut short.`);
    if (view.getUint32(at + 12 + length, true) !== maskedCrc32c(data)) throw new Error(`${file}: data CRC mismatch at byte ${at}: the file is damaged.`);
    const decoded = EventType.toObject(EventType.decode(data), { longs: Number, defaults: false, arrays: true }) as TbEvent;
    events.push({ ...decoded, wall_time: decoded.wall_time ?? 0, step: decoded.step ?? 0 });
    at += 16 + length;
  }
  return events;
}

/** TensorBoard's histogram from raw values: `buckets` equal-width bins between min and max. */
export function histogramOf(values: ArrayLike<number>, buckets = 30): HistogramValue {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    sumSquares += v * v;
  }
  if (values.length === 0) return { min: 0, max: 0, num: 0, sum: 0, sum_squares: 0, bucket_limit: [0], bucket: [0] };
  const width = (max - min) / buckets || 1;
  const limits = Array.from({ length: buckets }, (_, i) => (i === buckets - 1 ? max : min + width * (i + 1)));
  const counts = new Array<number>(buckets).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.min(buckets - 1, Math.floor((values[i] - min) / width))]++;
  return { min, max, num: values.length, sum, sum_squares: sumSquares, bucket_limit: limits, bucket: counts };
}

/** Appends events to one `events.out.tfevents.<seconds>.<host>` file in logDir (TensorBoard's naming). */
export class EventFileWriter {
  private constructor(private readonly handle: FileHandle, readonly path: string) {}

  static async create(logDir: string, now = Date.now()): Promise<EventFileWriter> {
    await mkdir(logDir, { recursive: true });
    const path = join(logDir, `events.out.tfevents.${Math.floor(now / 1000)}.${hostname()}`);
    const writer = new EventFileWriter(await open(path, 'w'), path);
    await writer.write({ wall_time: now / 1000, step: 0, file_version: 'brain.Event:2' });
    return writer;
  }

  async write(event: TbEvent): Promise<void> {
    await this.handle.write(frameRecord(encodeEvent(event)));
  }

  addScalar(tag: string, value: number, step: number, wallTime = Date.now() / 1000): Promise<void> {
    return this.write({ wall_time: wallTime, step, summary: { value: [{ tag, simple_value: value }] } });
  }

  addHistogram(tag: string, values: ArrayLike<number>, step: number, wallTime = Date.now() / 1000, buckets = 30): Promise<void> {
    return this.write({ wall_time: wallTime, step, summary: { value: [{ tag, histo: histogramOf(values, buckets) }] } });
  }

  /** A PNG picture under `tag` (TensorBoard's Images tab). */
  addImage(tag: string, image: ImageValue, step: number, wallTime = Date.now() / 1000): Promise<void> {
    return this.write({ wall_time: wallTime, step, summary: { value: [{ tag, image }] } });
  }

  async close(): Promise<void> {
    await this.handle.sync();
    await this.handle.close();
  }
}

/** A finished run as the app records it: per-step scalars and per-epoch weight values. */
export interface RunLog {
  scalars: { tag: string; step: number; value: number; wallTime?: number }[];
  histograms?: { tag: string; step: number; values: ArrayLike<number>; wallTime?: number }[];
}

/**
 * Writes a run's scalars and histograms as one TensorBoard event file in logDir; returns its path.
 * @internal A whole run in one call, for the event-file format tests (the export writes through EventFileWriter).
 */
export async function writeRunEvents(logDir: string, run: RunLog): Promise<string> {
  const writer = await EventFileWriter.create(logDir);
  try {
    for (const s of run.scalars) await writer.addScalar(s.tag, s.value, s.step, s.wallTime);
    for (const h of run.histograms ?? []) await writer.addHistogram(h.tag, h.values, h.step, h.wallTime);
  } finally {
    await writer.close();
  }
  return writer.path;
}
