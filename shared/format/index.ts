export * from './schema';
export * from './errors';
export * from './migrations';
export * from './metrics';
export * from './tfjs-model';
export * from './telemetry';
