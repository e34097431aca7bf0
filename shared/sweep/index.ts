export * from './schema';
export * from './expand';
export * from './apply';
export * from './state';
export * from './rank';
export * from './table';
